package org.torchbatch.runtime.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.torchbatch.runtime.CpuInfo;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.archive.ArchiveDigest;
import org.torchbatch.runtime.archive.ArchiveReader;
import org.torchbatch.runtime.archive.ModelExamples;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ExampleCheck;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.TorchEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code torchbatch verify ARCHIVE}: do the archive's examples give PyTorch's outputs here? */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the example calls an archive carries (extra file " + ModelExamples.EXTRA_FILE + ")",
      "on this machine and compares every output with PyTorch's. Exit code 0 when all match,",
      "1 when one differs (the message names the call, output, element and tolerance),",
      "2 when there is nothing to check."
    })
public final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ARCHIVE")
  Path archive;

  @Option(
      names = "--examples",
      paramLabel = "FILE",
      description = "examples JSON to check instead of the archive's own")
  Path examplesFile;

  @Mixin RunnerOptions runner;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(archive)) {
      spec.commandLine().getErr().println("torchbatch: no such file: " + archive);
      return ExitCodes.INPUT_NOT_FOUND;
    }
    ArchiveReader.read(archive);
    ModelExamples examples = examples();
    DeviceSpec target = runner.deviceSpec();
    List<ExampleCheck.Comparison> comparisons;
    try (ModelHandle model = runner.load(archive)) {
      comparisons = ExampleCheck.run(runner.runner(model), examples);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        "%s (sha256 %s): %d example call(s), rtol %s, atol %s%nlibtorch %s on %s, CPU %s%n%n",
        archive.getFileName(),
        ArchiveDigest.sha256(archive),
        examples.calls().size(),
        examples.rtol(),
        examples.atol(),
        TorchEngine.LIBTORCH_VERSION,
        target,
        CpuInfo.current().describe());
    out.printf("%-4s  %-12s  %-16s  %-18s  %s%n", "CALL", "METHOD", "OUTPUT", "LARGEST DIFF", "");
    for (ExampleCheck.Comparison c : comparisons) {
      out.printf(
          "%-4d  %-12s  %-16s  %-18s  %s%n",
          c.call(),
          c.method(),
          c.output(),
          difference(c.largestDifference()),
          c.matches() ? "ok" : "MISMATCH: " + c.detail());
    }
    out.flush();
    if (comparisons.stream().allMatch(ExampleCheck.Comparison::matches)) {
      return ExitCodes.OK;
    }
    spec.commandLine()
        .getErr()
        .println(
            "torchbatch: "
                + ExampleCheck.mismatch(archive.getFileName().toString(), target, comparisons)
                    .getMessage());
    return ExitCodes.FAILED;
  }

  private static String difference(double value) {
    return Double.isNaN(value) ? "-" : value == 0 ? "0" : String.format("%.3g", value);
  }

  private ModelExamples examples() throws java.io.IOException {
    if (examplesFile != null) {
      return ModelExamples.parse(Files.readString(examplesFile), examplesFile.toString());
    }
    return ModelExamples.read(archive)
        .orElseThrow(
            () ->
                new TorchbatchException(
                    archive.getFileName()
                        + " carries no examples (extra file "
                        + ModelExamples.EXTRA_FILE
                        + "): write them at export with scripts/torchbatch_examples.py, or"
                        + " pass --examples FILE"));
  }
}
