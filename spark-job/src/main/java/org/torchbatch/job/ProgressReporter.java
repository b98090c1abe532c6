package org.torchbatch.job;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports progress while the job runs: rows written, partitions done, rows/s and an ETA. On a
 * terminal it redraws one line every second; otherwise it logs a line every 30 seconds.
 */
final class ProgressReporter extends SparkListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  private final SparkSession spark;
  private final PrintStream terminal;
  private final long begin = System.nanoTime();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong tasksDone = new AtomicLong();
  private final AtomicLong tasksTotal = new AtomicLong();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread thread = new Thread(r, "torchbatch-progress");
            thread.setDaemon(true);
            return thread;
          });

  private ProgressReporter(SparkSession spark, PrintStream terminal) {
    this.spark = spark;
    this.terminal = terminal;
  }

  static ProgressReporter start(SparkSession spark) {
    PrintStream terminal = System.console() != null ? System.err : null;
    ProgressReporter reporter = new ProgressReporter(spark, terminal);
    spark.sparkContext().addSparkListener(reporter);
    long period = terminal != null ? 1 : 30;
    reporter.timer.scheduleAtFixedRate(reporter::report, period, period, TimeUnit.SECONDS);
    return reporter;
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted stage) {
    tasksTotal.addAndGet(stage.stageInfo().numTasks());
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd task) {
    tasksDone.incrementAndGet();
    if (task.taskMetrics() != null) {
      rows.addAndGet(task.taskMetrics().outputMetrics().recordsWritten());
    }
  }

  String line() {
    double seconds = Math.max((System.nanoTime() - begin) / 1e9, 1e-3);
    long done = tasksDone.get();
    long total = Math.max(tasksTotal.get(), done);
    String eta = done == 0 || done >= total ? "-" : formatSeconds(seconds / done * (total - done));
    return String.format(
        "rows %,d  partitions %d/%d  %,.0f rows/s  ETA %s",
        rows.get(), done, total, rows.get() / seconds, eta);
  }

  private void report() {
    if (terminal != null) {
      terminal.print("\r" + line() + "   ");
      terminal.flush();
    } else {
      LOG.info("progress: {}", line());
    }
  }

  private static String formatSeconds(double seconds) {
    long s = Math.round(seconds);
    return String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    spark.sparkContext().removeSparkListener(this);
    if (terminal != null) {
      terminal.println("\r" + line() + "   ");
    }
  }
}
