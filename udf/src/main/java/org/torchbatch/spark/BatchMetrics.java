package org.torchbatch.spark;

/** Where the operator reports per-batch figures; backed by Spark SQL metrics. */
public interface BatchMetrics {
  void batch(int rows, int nullRows, long modelNanos, long inputNanos, long outputNanos);

  /** Time spent building a batch's Arrow input outside the runner (columnar input's copy). */
  void inputCopied(long nanos);

  void modelLoaded(long loads, long loadMillis);

  /** Rows the model could not predict, given nulls (or quarantined) instead of failing. */
  void errorRows(int rows);
}
