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
 * the tasks' run time (projection and the Parquet write).
 */
record PhaseSplit(double[] phases, double wallSeconds) {
  static final String[] PHASES = {"read", "convert", "model", "convert back", "write + rest"};

  double taskSeconds() {
    return Arrays.stream(phases).sum();
  }

  static PhaseSplit measure(SparkSession spark, Runnable job) throws Exception {
    Listener listener = new Listener();
    spark.sparkContext().addSparkListener(listener);
    spark.listenerManager().register(listener);
    long begin = System.nanoTime();
    try {
      job.run();
    } finally {
      spark.sparkContext().listenerBus().waitUntilEmpty(TimeUnit.SECONDS.toMillis(30));
      spark.listenerManager().unregister(listener);
      spark.sparkContext().removeSparkListener(listener);
    }
    double wall = (System.nanoTime() - begin) / 1e9;
    double read = listener.scanNanos.get() / 1e9;
    double convert = listener.conversionNanos.get() / 1e9;
    double model = listener.modelNanos.get() / 1e9;
    double back = listener.outputNanos.get() / 1e9;
    double rest = listener.taskMillis.get() / 1e3 - read - convert - model - back;
    return new PhaseSplit(new double[] {read, convert, model, back, Math.max(0, rest)}, wall);
  }

  private static final class Listener extends SparkListener implements QueryExecutionListener {
    final AtomicLong taskMillis = new AtomicLong();
    final AtomicLong scanNanos = new AtomicLong();
    final AtomicLong conversionNanos = new AtomicLong();
    final AtomicLong modelNanos = new AtomicLong();
    final AtomicLong outputNanos = new AtomicLong();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.taskMetrics() != null) {
        taskMillis.addAndGet(end.taskMetrics().executorRunTime());
      }
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
