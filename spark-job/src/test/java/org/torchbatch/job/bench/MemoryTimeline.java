package org.torchbatch.job.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.runtime.testing.NativeMemory;

/**
 * The executor's memory while one long query runs: resident set size and heap in use, sampled as
 * each task ends (local mode: the executor is this JVM). Tasks hold equal row counts, so the
 * samples are memory over rows processed, which is memory over time at a steady rate.
 */
final class MemoryTimeline extends SparkListener {
  record Sample(long rows, double rssMb, double heapMb) {}

  private final long rowsPerTask;
  private final List<Sample> samples = new ArrayList<>();

  private MemoryTimeline(long rowsPerTask) {
    this.rowsPerTask = rowsPerTask;
  }

  static List<Sample> record(SparkSession spark, long rowsPerTask, Runnable query)
      throws Exception {
    MemoryTimeline timeline = new MemoryTimeline(rowsPerTask);
    timeline.sample(0);
    spark.sparkContext().addSparkListener(timeline);
    try {
      query.run();
    } finally {
      spark.sparkContext().listenerBus().waitUntilEmpty(TimeUnit.SECONDS.toMillis(30));
      spark.sparkContext().removeSparkListener(timeline);
    }
    synchronized (timeline) {
      return List.copyOf(timeline.samples);
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    sample(rowsPerTask * samples.size());
  }

  /** The sample taken once at least {@code rows} rows were processed. */
  static Sample at(List<Sample> samples, long rows) {
    return samples.stream()
        .filter(s -> s.rows() >= rows)
        .findFirst()
        .orElse(samples.get(samples.size() - 1));
  }

  private void sample(long rows) {
    double heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
    samples.add(new Sample(rows, NativeMemory.residentKb() / 1024.0, heap));
  }
}
