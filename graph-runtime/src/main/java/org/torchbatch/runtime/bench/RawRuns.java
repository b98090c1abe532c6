package org.torchbatch.runtime.bench;

import java.nio.ByteBuffer;
import java.util.List;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.engine.ModelRunner;

/** The raw-throughput reference the end-to-end benchmarks divide by. */
public final class RawRuns {
  private RawRuns() {}

  /** A float32 {@code [batch, width]} input in a direct buffer, built once and reused. */
  public static HostTensor readyTensor(int batch, int width) {
    ByteBuffer buffer = HostTensor.allocate((long) batch * width * 4);
    for (int i = 0; i < batch * width; i++) {
      buffer.putFloat(i * 4, (float) Math.sin(i));
    }
    return new HostTensor(DType.FLOAT32, new long[] {batch, width}, buffer);
  }

  /**
   * Rows/s of {@code rows} rows through {@code runner} in batches of the input's first dimension,
   * on a fresh thread as a Spark task would run it (libtorch keeps thread settings per OS thread).
   */
  public static double rowsPerSecond(ModelRunner runner, HostTensor input, int rows) {
    long batch = input.shape()[0];
    Thread worker =
        new Thread(
            () -> {
              for (long done = 0; done < rows; done += batch) {
                runner.run("forward", List.of(input)).close();
              }
            });
    long begin = System.nanoTime();
    worker.start();
    try {
      worker.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    }
    return rows / ((System.nanoTime() - begin) / 1e9);
  }
}
