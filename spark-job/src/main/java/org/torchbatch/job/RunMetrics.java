package org.torchbatch.job;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.spark.PredictPlans;

/** Collects the batch operator's SQL metrics of the queries run while it listens. */
final class RunMetrics implements QueryExecutionListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunMetrics.class);
  private final SparkSession spark;
  private final AtomicLong rowsIn = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong nullRows = new AtomicLong();
  private final AtomicLong modelLoads = new AtomicLong();
  private final CountDownLatch reported = new CountDownLatch(1);

  private RunMetrics(SparkSession spark) {
    this.spark = spark;
  }

  static RunMetrics listen(SparkSession spark) {
    RunMetrics metrics = new RunMetrics(spark);
    spark.listenerManager().register(metrics);
    return metrics;
  }

  @Override
  public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
    int operators = PredictPlans.operators(qe.executedPlan()).size();
    long predicted = PredictPlans.metric(qe.executedPlan(), "numOutputRows");
    LOG.info("Query '{}' ended: {} predict operator(s), {} rows", funcName, operators, predicted);
    if (operators == 0) {
      // another query's late event: the write's is still to come
      return;
    }
    rowsIn.addAndGet(PredictPlans.scannedRows(qe.executedPlan()));
    rows.addAndGet(predicted);
    nullRows.addAndGet(PredictPlans.metric(qe.executedPlan(), "nullRows"));
    modelLoads.addAndGet(PredictPlans.metric(qe.executedPlan(), "modelLoads"));
    reported.countDown();
  }

  @Override
  public void onFailure(String funcName, QueryExecution qe, Exception exception) {
    reported.countDown();
  }

  /** Rows read from the input. */
  long rowsIn() {
    awaitReport();
    return rowsIn.get();
  }

  /** Rows the model predicted, hence written. */
  long rows() {
    awaitReport();
    return rows.get();
  }

  long nullRows() {
    awaitReport();
    return nullRows.get();
  }

  long modelLoads() {
    awaitReport();
    return modelLoads.get();
  }

  /**
   * Listeners hear of a query asynchronously, possibly after save() returned: the counts wait for
   * the write's event (and for Spark's listener bus to drain) before they are read.
   */
  private void awaitReport() {
    try {
      if (!reported.await(60, TimeUnit.SECONDS)) {
        LOG.warn("No end-of-query event within 60 s; the summary's row counts may be low");
      }
      spark.sparkContext().listenerBus().waitUntilEmpty(TimeUnit.SECONDS.toMillis(30));
    } catch (TimeoutException e) {
      LOG.warn("Spark's listener bus did not drain in 30 s; the summary's row counts may be low");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    spark.listenerManager().unregister(this);
  }
}
