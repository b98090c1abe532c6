package org.torchbatch.runtime.bench;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.torchbatch.runtime.CpuInfo;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.archive.ArchiveReader;
import org.torchbatch.runtime.archive.TracedInput;
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
 * The raw throughput of the graph runtime: the denominator of every end-to-end ratio. For each
 * thread count and batch size it measures, side by side, batches handed to libtorch as a reused
 * direct buffer (wrapped, no copy) and batches built from a {@code float[]} each time (one copy).
 */
@Command(
    name = "runtime-benchmark",
    mixinStandardHelpOptions = true,
    description = "Rows/s of a model through graph-runtime (not a test; numbers vary by machine).")
public final class RuntimeBenchmark implements Callable<Integer> {
  @Option(
      names = "--model",
      required = true,
      description = "TorchScript archive, e.g. mlp_small.pt")
  Path model;

  @Option(names = "--method", defaultValue = "forward")
  String method;

  @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda:N")
  String device;

  @Option(names = "--batches", split = ",", defaultValue = "1,64,1024,4096")
  List<Integer> batches;

  @Option(
      names = "--threads",
      split = ",",
      defaultValue = "1,2",
      description = "intra-op thread counts")
  List<Integer> threads;

  @Option(
      names = "--row-shape",
      split = ",",
      description = "shape of one input row (default: traced input shape)")
  List<Long> rowShape;

  @Option(names = "--seconds", defaultValue = "1.5", description = "length of one timed run")
  double seconds;

  @Option(
      names = "--repeats",
      defaultValue = "3",
      description = "timed runs per case; the median is reported")
  int repeats;

  public static void main(String[] args) {
    System.exit(new CommandLine(new RuntimeBenchmark()).execute(args));
  }

  @Override
  public Integer call() {
    ArchiveInfo info = ArchiveReader.read(model);
    long[] row = rowShape(info);
    DType dtype = info.defaultInputType(method, 0);
    if (dtype != DType.FLOAT32) {
      throw new IllegalArgumentException(
          "the benchmark feeds float32; " + info.file() + " wants " + dtype);
    }
    TorchEngine.start(RuntimeSettings.EXECUTOR.withIntraOpThreads(threads.get(0)));
    System.out.printf(
        "%s.%s on %s, input float32[batch, %s], %d x %.1f s per case (median, min-max)%nCPU: %s%n%n",
        info.file(), method, device, join(row), repeats, seconds, CpuInfo.current().describe());
    System.out.printf(
        "%-7s  %-6s  %-32s  %-32s  %s%n",
        "threads", "batch", "direct buffer rows/s", "float[] per batch rows/s", "float[]/direct");
    try (ModelHandle handle = ModelCache.shared().acquire(model, DeviceSpec.parse(device))) {
      for (int threadCount : threads) {
        ModelRunner runner = handle.newRunner(threadCount);
        for (int batch : batches) {
          Case c = new Case(runner, batch, row);
          Measurement.of(1, Math.min(seconds, 0.5), batch, c::direct);
          Measurement direct = Measurement.of(repeats, seconds, batch, c::direct);
          Measurement copied = Measurement.of(repeats, seconds, batch, c::fromArray);
          System.out.printf(
              "%-7d  %-6d  %-32s  %-32s  %.2f%n",
              threadCount,
              batch,
              direct.describe(),
              copied.describe(),
              copied.median() / direct.median());
        }
      }
    }
    return 0;
  }

  private long[] rowShape(ArchiveInfo info) {
    if (rowShape != null) {
      return rowShape.stream().mapToLong(Long::longValue).toArray();
    }
    for (TracedInput traced : info.tracedInputs()) {
      if (traced.method().equals(method) && traced.position() == 0) {
        return traced.shape().subList(1, traced.shape().size()).stream()
            .mapToLong(Long::longValue)
            .toArray();
      }
    }
    throw new IllegalArgumentException(
        info.file() + " records no traced input shape: give --row-shape");
  }

  private static String join(long[] dims) {
    List<String> parts = new ArrayList<>();
    for (long dim : dims) {
      parts.add(String.valueOf(dim));
    }
    return String.join(", ", parts);
  }

  /** One batch size's inputs, built once so the timed loop measures only the model path. */
  private final class Case {
    private final ModelRunner runner;
    private final long[] shape;
    private final float[] values;
    private final HostTensor directInput;
    private double sink;

    Case(ModelRunner runner, int batch, long[] row) {
      this.runner = runner;
      this.shape = new long[row.length + 1];
      shape[0] = batch;
      System.arraycopy(row, 0, shape, 1, row.length);
      this.values = new float[Math.toIntExact(HostTensor.numel(shape))];
      Random random = new Random(7);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) random.nextGaussian();
      }
      ByteBuffer buffer = HostTensor.allocate(values.length * 4L);
      buffer.asFloatBuffer().put(values);
      this.directInput = new HostTensor(DType.FLOAT32, shape, buffer);
    }

    void direct() {
      consume(directInput);
    }

    void fromArray() {
      consume(HostTensor.ofFloats(values, shape));
    }

    private void consume(HostTensor input) {
      try (ModelOutputs outputs = runner.run(method, List.of(input))) {
        sink += outputs.get(0).data().getFloat(0);
      }
    }
  }
}
