package org.torchbatch.spark;

/** Metrics for runners that tests drive without Spark's operator. */
final class NoMetrics implements BatchMetrics {
  static final BatchMetrics INSTANCE = new NoMetrics();

  private NoMetrics() {}

  @Override
  public void batch(int rows, int nullRows, long modelNanos, long inputNanos, long outputNanos) {}

  @Override
  public void inputCopied(long nanos) {}

  @Override
  public void modelLoaded(long loads, long loadMillis) {}

  @Override
  public void errorRows(int rows) {}
}
