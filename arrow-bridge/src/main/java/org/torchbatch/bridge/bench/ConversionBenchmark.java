package org.torchbatch.bridge.bench;

import java.util.ArrayList;
import java.util.List;
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
import org.torchbatch.bridge.RowMask;
import org.torchbatch.runtime.CpuInfo;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.NamedTensors;
import org.torchbatch.runtime.bench.Measurement;

/**
 * GB/s of arrow-bridge's conversions, each timed in repeated runs after a warm-up (the harness that
 * stands in for JMH here): zero-copy views, copies, and outputs back to columns.
 */
public final class ConversionBenchmark {
  private static final int ROWS = 4096;

  private ConversionBenchmark() {}

  /** One conversion's figures: GB/s of tensor data in each timed run. */
  public record Result(String label, String path, Measurement gigabytesPerSecond) {}

  public static void main(String[] args) {
    if (args.length > 1 || (args.length == 1 && !args[0].matches("\\d+(\\.\\d+)?"))) {
      System.err.println("usage: bench-bridge conversions [SECONDS of each timed run, default 1]");
      System.exit(2);
    }
    double seconds = args.length == 1 ? Double.parseDouble(args[0]) : 1.0;
    System.out.printf(
        "%d rows per batch, median of 3 runs of %.1f s (min-max); CPU: %s%n%n",
        ROWS, seconds, CpuInfo.current().describe());
    System.out.printf("%-52s  %-9s  %s%n", "conversion", "path", "GB/s of tensor data");
    for (Result result : run(seconds)) {
      Measurement gb = result.gigabytesPerSecond();
      System.out.printf(
          "%-52s  %-9s  %.2f (%.2f-%.2f)%n",
          result.label(), result.path(), gb.median(), gb.min(), gb.max());
    }
  }

  /** Every conversion, each timed {@code seconds} per run after a warm-up. */
  public static List<Result> run(double seconds) {
    List<Result> results = new ArrayList<>();
    try (BufferAllocator allocator = new RootAllocator()) {
      RandomBatches random = new RandomBatches(allocator);
      results.add(
          encode(
              allocator,
              List.of(random.fixedFloatList("x", ROWS, 512)),
              ArgumentSpec.of("x"),
              "float32 fixed_size_list[512] -> [N, 512]",
              seconds));
      results.add(
          encode(
              allocator,
              List.of(random.floatList("x", ROWS, 512)),
              ArgumentSpec.of("x"),
              "float32 list[512] -> [N, 512]",
              seconds));
      results.add(
          encode(
              allocator,
              List.of(random.floatList("x", ROWS, 512)),
              ArgumentSpec.of("x").as(DType.FLOAT64),
              "float32 list[512] -> float64 [N, 512] (cast)",
              seconds));
      results.add(
          encode(
              allocator,
              List.of(random.longList("t", ROWS, 128)),
              ArgumentSpec.of("t"),
              "int64 list[128] -> [N, 128]",
              seconds));
      results.add(
          encode(
              allocator,
              List.of(random.floats("a", ROWS), random.floats("b", ROWS), random.floats("c", ROWS)),
              ArgumentSpec.of("a", "b", "c"),
              "three float32 scalar columns stacked -> [N, 3]",
              seconds));
      results.add(decode(allocator, seconds));
    }
    return results;
  }

  private static Result encode(
      BufferAllocator allocator,
      List<FieldVector> columns,
      ArgumentSpec argument,
      String label,
      double seconds) {
    BatchEncoder encoder = new BatchEncoder(List.of(argument), NullPolicy.FAIL, allocator);
    try (VectorSchemaRoot root = new VectorSchemaRoot(columns)) {
      long bytes;
      boolean zeroCopy;
      try (EncodedBatch sample = encoder.encode(root)) {
        bytes = sample.tensors().get(0).data().remaining();
        zeroCopy = sample.isZeroCopy(0);
      }
      Runnable body =
          () -> {
            try (EncodedBatch batch = encoder.encode(root)) {
              batch.tensors().get(0);
            }
          };
      return measure(label, zeroCopy ? "zero-copy" : "copy", bytes, body, seconds);
    }
  }

  private static Result decode(BufferAllocator allocator, double seconds) {
    float[] values = new float[ROWS * 10];
    HostTensor output = HostTensor.ofFloats(values, ROWS, 10);
    NamedTensors outputs =
        new NamedTensors() {
          @Override
          public List<String> names() {
            return List.of("y");
          }

          @Override
          public HostTensor get(String name) {
            return output;
          }
        };
    BatchDecoder decoder = new BatchDecoder(OutputLayout.of(outputs, List.of()), allocator);
    RowMask mask = RowMask.allRows(ROWS);
    return measure(
        "[N, 10] float32 output -> list<float> column",
        "copy",
        output.data().remaining(),
        () -> decoder.decode(outputs, mask).forEach(FieldVector::close),
        seconds);
  }

  private static Result measure(
      String label, String path, long bytes, Runnable body, double seconds) {
    Measurement.of(1, Math.min(0.5, seconds), 1, body);
    Measurement perSecond = Measurement.of(3, seconds, 1, body);
    double[] gb = perSecond.rowsPerSecond().clone();
    for (int i = 0; i < gb.length; i++) {
      gb[i] *= bytes / 1e9;
    }
    return new Result(label, path, new Measurement(gb));
  }
}
