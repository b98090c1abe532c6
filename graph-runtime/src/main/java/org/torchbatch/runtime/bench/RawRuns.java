package org.torchbatch.runtime.bench;

import java.nio.ByteBuffer;
import java.util.ArrayList;
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

  /** Rows/s of {@code rows} rows through one runner; see {@link #rowsPerSecond(List, int)}. */
  public static double rowsPerSecond(ModelRunner runner, HostTensor input, int rows) {
    return rowsPerSecond(List.of(new Feed(runner, input)), rows);
  }

  /**
   * Rows/s of about {@code rows} rows shared out among the feeds, each runner on a fresh thread of
   * its own as a Spark task runs it (libtorch keeps thread settings per OS thread), in whole
   * batches of its input's first dimension, all at once; the rate counts the rows the batches held.
   */
  public static double rowsPerSecond(List<Feed> feeds, int rows) {
    List<Thread> workers = new ArrayList<>();
    long done = 0;
    for (Feed feed : feeds) {
      long batch = feed.input().shape()[0];
      long batches = Math.max(1, (rows / feeds.size() + batch - 1) / batch);
      done += batches * batch;
      workers.add(
          new Thread(
              () -> {
                for (long b = 0; b < batches; b++) {
                  feed.runner().run("forward", List.of(feed.input())).close();
                }
              }));
    }
    long begin = System.nanoTime();
    workers.forEach(Thread::start);
    try {
      for (Thread worker : workers) {
        worker.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while measuring", e);
    }
    return done / ((System.nanoTime() - begin) / 1e9);
  }

  /** One runner and the input it is fed again and again. */
  public record Feed(ModelRunner runner, HostTensor input) {}
}
