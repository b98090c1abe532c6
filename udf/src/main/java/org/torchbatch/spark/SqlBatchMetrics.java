package org.torchbatch.spark;

import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.collection.immutable.Map;

/** Reports batches to the operator's SQL metrics (Spark UI, {@code df.queryExecution}). */
final class SqlBatchMetrics implements BatchMetrics {
  private final Map<String, SQLMetric> metrics;

  SqlBatchMetrics(Map<String, SQLMetric> metrics) {
    this.metrics = metrics;
  }

  @Override
  public void batch(int rows, int nullRows, long modelNanos, long inputNanos, long outputNanos) {
    metric("batches").add(1);
    metric("nullRows").add(nullRows);
    metric("modelTime").add(modelNanos);
    metric("conversionTime").add(inputNanos);
    metric("outputConversionTime").add(outputNanos);
  }

  @Override
  public void inputCopied(long nanos) {
    metric("conversionTime").add(nanos);
  }

  @Override
  public void modelLoaded(long loads, long loadMillis) {
    metric("modelLoads").add(loads);
    metric("loadTime").add(loadMillis);
  }

  @Override
  public void errorRows(int rows) {
    metric("errorRows").add(rows);
  }

  private SQLMetric metric(String name) {
    return metrics.apply(name);
  }
}
