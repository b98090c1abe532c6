package org.torchbatch.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.torchbatch.runtime.archive.ArchiveDigest;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.archive.ArchiveReader;
import org.torchbatch.runtime.archive.MethodSignature;
import org.torchbatch.runtime.archive.ModelExamples;
import org.torchbatch.runtime.archive.TensorInfo;
import org.torchbatch.runtime.archive.TracedInput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code torchbatch inspect ARCHIVE}: what a TorchScript archive holds, without loading it. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Shows a TorchScript archive's methods, argument and return types, parameters and buffers,",
      "format version and extra files, without loading libtorch. Exit code 2 (one-line reason)",
      "for a file that is not a usable TorchScript archive, 3 for a missing file."
    })
public final class InspectCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ARCHIVE", description = "the .pt file (torch.jit.save)")
  Path archive;

  @Option(names = "--json", description = "print the report as JSON")
  boolean json;

  @Option(
      names = "--code",
      arity = "0..1",
      fallbackValue = "forward",
      paramLabel = "METHOD",
      description = "print METHOD's TorchScript code as stored (default forward)")
  String code;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    if (!Files.isRegularFile(archive)) {
      spec.commandLine().getErr().println("torchbatch: no such file: " + archive);
      return ExitCodes.INPUT_NOT_FOUND;
    }
    ArchiveInfo info = ArchiveReader.read(archive);
    if (code != null) {
      out.println(info.requireMethod(code).code());
    } else if (json) {
      ObjectMapper mapper =
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .enable(SerializationFeature.WRITE_ENUMS_USING_TO_STRING);
      ObjectNode report = mapper.valueToTree(info);
      report.put("sha256", ArchiveDigest.sha256(archive));
      report.put("preferredFloatType", info.preferredFloatType().torchName());
      report.put("exampleCalls", exampleCalls(info));
      out.println(mapper.writeValueAsString(report));
    } else {
      printTable(out, info);
    }
    out.flush();
    return ExitCodes.OK;
  }

  private void printTable(PrintWriter out, ArchiveInfo info) {
    out.printf("Archive       %s (format version %d)%n", info.file(), info.formatVersion());
    out.printf("sha256        %s%n", ArchiveDigest.sha256(archive));
    out.printf("Root class    %s%n", info.rootClass());
    out.printf("Input dtype   %s (implied by the weights)%n", info.preferredFloatType());
    out.printf("Examples      %s%n", describeExamples(info));
    out.println();
    out.println("Methods");
    for (MethodSignature method : info.methods()) {
      out.println(
          "  "
              + method.describe()
              + (method.reachesIgnoredFunction()
                  ? "  [can reach an @torch.jit.unused/ignore function, which raises]"
                  : ""));
    }
    if (!info.tracedInputs().isEmpty()) {
      out.println();
      out.println("Traced example inputs");
      for (TracedInput input : info.tracedInputs()) {
        out.printf(
            "  %s #%d  %s%s%n", input.method(), input.position(), input.dtype(), input.shape());
      }
    }
    out.println();
    long bytes = info.tensors().stream().mapToLong(TensorInfo::bytes).sum();
    out.printf(
        "Tensors (%d, %,d parameter values, %,d bytes)%n",
        info.tensors().size(), info.parameterCount(), bytes);
    int width = info.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(4);
    String row = "  %-" + Math.max(4, width) + "s  %-9s  %-8s  %-16s  %,d%n";
    out.printf(
        "  %-" + Math.max(4, width) + "s  %-9s  %-8s  %-16s  %s%n",
        "NAME",
        "KIND",
        "DTYPE",
        "SHAPE",
        "BYTES");
    for (TensorInfo tensor : info.tensors()) {
      out.printf(row, tensor.name(), tensor.kind(), tensor.dtype(), tensor.shape(), tensor.bytes());
    }
    out.println();
    out.println("Operators the code calls");
    out.println("  " + String.join(" ", info.operators()));
    if (!info.extraFiles().isEmpty()) {
      out.println();
      out.println("Extra files");
      info.extraFiles()
          .forEach(
              (name, text) ->
                  out.printf(
                      "  %s: %s%n",
                      name,
                      name.equals(ModelExamples.EXTRA_FILE)
                          ? "(the examples above)"
                          : text.strip()));
    }
  }

  private int exampleCalls(ArchiveInfo info) {
    return info.hasExamples() ? ModelExamples.read(archive).orElseThrow().calls().size() : 0;
  }

  private String describeExamples(ArchiveInfo info) {
    if (!info.hasExamples()) {
      return "none (scripts/torchbatch_examples.py adds them at export)";
    }
    ModelExamples examples = ModelExamples.read(archive).orElseThrow();
    return examples.calls().size()
        + " call(s) with PyTorch's outputs, rtol "
        + examples.rtol()
        + ", atol "
        + examples.atol()
        + "; checked where the model loads (torchbatch verify runs them here)";
  }
}
