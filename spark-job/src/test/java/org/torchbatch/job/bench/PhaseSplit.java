package org.torchbatch.job.bench;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.torchbatch.spark.PredictPlans;

/**
 * Where a job's task time goes, from the metrics Spark and the batch operator keep: the Parquet
 * scan's time, the operator's input conversion, model and output conversion time, and the rest of
 * the tasks' run time (projection and the Parquet write). Also how long the cores sat without a
 * task: before the first started (planning), between and beside tasks (scheduling, the stage's
 * tail), and after the last ended (committing the output).
 */
record PhaseSplit(double[] phases, double wallSeconds, int cores, double[] idleCoreSeconds) {
  static final String[] PHASES = {"read", "convert", "model", "convert back", "write + rest"};
  static final String[] IDLE = {"before tasks", "between tasks and tail", "after tasks"};

  double modelSeconds() {
    return phases[2];
  }

  double taskSeconds() {
    return Arrays.stream(phases).sum();
  }

  /** This split and {@code other}'s added up: several queries measured one by one. */
  PhaseSplit plus(PhaseSplit other) {
    return new PhaseSplit(
        sum(phases, other.phases),
        wallSeconds + other.wallSeconds,
        cores,
        sum(idleCoreSeconds, other.idleCoreSeconds));
  }

  private static double[] sum(double[] a, double[] b) {
    double[] sum = a.clone();
    for (int i = 0; i < sum.length; i++) {
      sum[i] += b[i];
    }
    return sum;
  }

  static PhaseSplit measure(SparkSession spark, Runnable job) throws Exception {
    Listener listener = new Listener();
    spark.sparkContext().addSparkListener(listener);
    spark.listenerManager().register(listener);
    long beginMillis = System.currentTimeMillis();
    long endMillis;
    try {
      job.run();
    } finally {
      endMillis = System.currentTimeMillis();
      spark.sparkContext().listenerBus().waitUntilEmpty(TimeUnit.SECONDS.toMillis(30));
      spark.listenerManager().unregister(listener);
      spark.sparkContext().removeSparkListener(listener);
    }
    double wall = (endMillis - beginMillis) / 1e3;
    int cores = spark.sparkContext().defaultParallelism();
    double read = listener.scanNanos.get() / 1e9;
    double convert = listener.conversionNanos.get() / 1e9;
    double model = listener.modelNanos.get() / 1e9;
    double back = listener.outputNanos.get() / 1e9;
    double rest = listener.taskMillis.get() / 1e3 - read - convert - model - back;
    return new PhaseSplit(
        new double[] {read, convert, model, back, Math.max(0, rest)},
        wall,
        cores,
        listener.idle(beginMillis, endMillis, cores));
  }

  private static final class Listener extends SparkListener implements QueryExecutionListener {
    final AtomicLong taskMillis = new AtomicLong();
    final AtomicLong scanNanos = new AtomicLong();
    final AtomicLong conversionNanos = new AtomicLong();
    final AtomicLong modelNanos = new AtomicLong();
    final AtomicLong outputNanos = new AtomicLong();
    private long firstLaunch = Long.MAX_VALUE;
    private long lastFinish = Long.MIN_VALUE;
    private long busyMillis;

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        taskMillis.addAndGet(end.taskMetrics().executorRunTime());
      }
      firstLaunch = Math.min(firstLaunch, end.taskInfo().launchTime());
      lastFinish = Math.max(lastFinish, end.taskInfo().finishTime());
      busyMillis += end.taskInfo().finishTime() - end.taskInfo().launchTime();
    }

    /** Core-seconds with no task running: before the first, beside the tasks, after the last. */
    synchronized double[] idle(long beginMillis, long endMillis, int cores) {
      if (busyMillis == 0) {
        return new double[] {cores * (endMillis - beginMillis) / 1e3, 0, 0};
      }
      double before = cores * (firstLaunch - beginMillis) / 1e3;
      double beside = (cores * (lastFinish - firstLaunch) - busyMillis) / 1e3;
      double after = cores * (endMillis - lastFinish) / 1e3;
      return new double[] {before, beside, after};
    }

    @Override
    public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
      for (SparkPlan node : PredictPlans.nodes(qe.executedPlan())) {
        if (node.metrics().contains("scanTime")) {
          // the scan's timing metric counts milliseconds
          scanNanos.addAndGet(node.metrics().apply("scanTime").value() * 1_000_000);
        }
      }
      conversionNanos.addAndGet(PredictPlans.metric(qe.executedPlan(), "conversionTime"));
      modelNanos.addAndGet(PredictPlans.metric(qe.executedPlan(), "modelTime"));
      outputNanos.addAndGet(PredictPlans.metric(qe.executedPlan(), "outputConversionTime"));
    }

    @Override
    public void onFailure(String funcName, QueryExecution qe, Exception exception) {}
  }
}
