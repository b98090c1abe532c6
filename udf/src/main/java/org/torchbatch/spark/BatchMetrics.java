package org.torchbatch.spark;

/** Where the operator reports per-batch figures; backed by Spark SQL metrics. */
public interface BatchMetrics {
  void batch(int rows, int nullRows, long modelNanos, long conversionNanos);

  void modelLoaded(long loads, long loadMillis);
}
