package org.torchbatch.bridge.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.torchbatch.bridge.ArgumentSpec;
import org.torchbatch.bridge.BatchDecoder;
import org.torchbatch.bridge.BatchEncoder;
import org.torchbatch.bridge.EncodedBatch;
import org.torchbatch.bridge.NullPolicy;
import org.torchbatch.bridge.OutputLayout;
import org.torchbatch.runtime.CpuInfo;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.archive.ArchiveReader;
import org.torchbatch.runtime.archive.TracedInput;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;
import org.torchbatch.runtime.engine.ModelRunner;
import org.torchbatch.runtime.engine.RuntimeSettings;
import org.torchbatch.runtime.engine.TorchEngine;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole per-batch path without Spark (Arrow list column -> tensor -> model -> Arrow column)
 * beside the model alone on a ready tensor, interleaved in one run. Needs only graph-runtime,
 * arrow-bridge and their jars, so it can be carried to a GPU machine.
 */
@Command(
    name = "bridge-benchmark",
    mixinStandardHelpOptions = true,
    description =
        "Rows/s of Arrow -> tensor -> model -> Arrow beside the model alone (not a test).")
public final class BridgeBenchmark implements Callable<Integer> {
  @Option(names = "--model", required = true)
  Path model;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda:N")
  String device;

  @Option(names = "--batch", defaultValue = "4096")
  int batch;

  @Option(names = "--rows", defaultValue = "200000", description = "rows per timed run")
  int rows;

  @Option(names = "--threads", defaultValue = "2", description = "libtorch intra-op threads")
  int threads;

  @Option(names = "--repeats", defaultValue = "3")
  int repeats;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BridgeBenchmark()).execute(args));
  }

  @Override
  public Integer call() {
    ArchiveInfo info = ArchiveReader.read(model);
    int width = inputWidth(info);
    TorchEngine.start(RuntimeSettings.EXECUTOR.withIntraOpThreads(threads));
    try (BufferAllocator allocator = new RootAllocator();
        ModelHandle handle = ModelCache.shared().acquire(model, DeviceSpec.parse(device))) {
      ModelRunner runner = handle.newRunner();
      List<FieldVector> columns =
          List.of(new RandomBatches(allocator).floatList("features", batch, width));
      HostTensor ready = RawRuns.readyTensor(batch, width);
      try (VectorSchemaRoot root = new VectorSchemaRoot(columns)) {
        BatchEncoder encoder =
            new BatchEncoder(List.of(ArgumentSpec.of("features")), NullPolicy.FAIL, allocator);
        OutputLayout layout;
        try (EncodedBatch sample = encoder.encode(root);
            ModelOutputs outputs = runner.run("forward", sample.tensors())) {
          layout = OutputLayout.of(outputs, List.of());
        }
        BatchDecoder decoder = new BatchDecoder(layout, allocator);
        Runnable wholePath = () -> wholePath(root, encoder, runner, decoder);
        Runnable modelAlone = () -> modelAlone(runner, ready);
        System.out.printf(
            "%s on %s, batch %d, list<float>[%d] input, %d intra-op threads, %d rows per run, %d runs interleaved%nCPU: %s%n",
            info.file(),
            device,
            batch,
            width,
            threads,
            rows,
            repeats,
            CpuInfo.current().describe());
        timed(wholePath, 1);
        timed(modelAlone, 1);
        double[] path = new double[repeats];
        double[] alone = new double[repeats];
        for (int r = 0; r < repeats; r++) {
          path[r] = timed(wholePath, rows / batch);
          alone[r] = timed(modelAlone, rows / batch);
        }
        Measurement pathRate = new Measurement(path);
        Measurement aloneRate = new Measurement(alone);
        System.out.printf("Arrow -> tensor -> model -> Arrow  rows/s %s%n", pathRate.describe());
        System.out.printf("model alone (ready tensor)         rows/s %s%n", aloneRate.describe());
        System.out.printf(
            "ratio (whole path / model alone)   %.3f%n", pathRate.median() / aloneRate.median());
      }
    }
    return 0;
  }

  private double timed(Runnable body, int batches) {
    long begin = System.nanoTime();
    for (int b = 0; b < Math.max(1, batches); b++) {
      body.run();
    }
    return (double) Math.max(1, batches) * batch / ((System.nanoTime() - begin) / 1e9);
  }

  private static void wholePath(
      VectorSchemaRoot root, BatchEncoder encoder, ModelRunner runner, BatchDecoder decoder) {
    try (EncodedBatch encoded = encoder.encode(root);
        ModelOutputs outputs = runner.run("forward", encoded.tensors())) {
      decoder.decode(outputs, encoded.mask()).forEach(FieldVector::close);
    }
  }

  private static void modelAlone(ModelRunner runner, HostTensor ready) {
    try (ModelOutputs outputs = runner.run("forward", List.of(ready))) {
      outputs.get(0);
    }
  }

  private static int inputWidth(ArchiveInfo info) {
    List<Long> widths = new ArrayList<>();
    for (TracedInput input : info.tracedInputs()) {
      if (input.method().equals("forward") && input.position() == 0 && input.shape().size() == 2) {
        widths.add(input.shape().get(1));
      }
    }
    if (widths.isEmpty()) {
      throw new IllegalArgumentException(
          info.file() + " records no traced [N, width] input for forward");
    }
    return Math.toIntExact(widths.get(0));
  }
}
