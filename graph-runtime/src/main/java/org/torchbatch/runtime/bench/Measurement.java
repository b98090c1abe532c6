package org.torchbatch.runtime.bench;

import java.util.Arrays;

/** Rows per second over repeated timed runs: median and range, as every benchmark reports them. */
public record Measurement(double[] rowsPerSecond) {

  public double median() {
    double[] sorted = rowsPerSecond.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  public double min() {
    return Arrays.stream(rowsPerSecond).min().orElse(0);
  }

  public double max() {
    return Arrays.stream(rowsPerSecond).max().orElse(0);
  }

  /** Run by run (or round by round), these values over {@code other}'s. */
  public Measurement dividedBy(Measurement other) {
    double[] values = new double[rowsPerSecond.length];
    for (int r = 0; r < values.length; r++) {
      values[r] = rowsPerSecond[r] / other.rowsPerSecond[r];
    }
    return new Measurement(values);
  }

  /** {@code 54,321 (52,100-55,020)}. */
  public String describe() {
    return String.format("%,.0f (%,.0f-%,.0f)", median(), min(), max());
  }

  /**
   * Times {@code body} (which processes {@code rowsPerCall} rows) for each of {@code repeats} runs.
   */
  public static Measurement of(int repeats, double seconds, long rowsPerCall, Runnable body) {
    double[] rates = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      long rows = 0;
      long begin = System.nanoTime();
      long deadline = begin + (long) (seconds * 1e9);
      long now;
      do {
        body.run();
        rows += rowsPerCall;
        now = System.nanoTime();
      } while (now < deadline);
      rates[r] = rows / ((now - begin) / 1e9);
    }
    return new Measurement(rates);
  }
}
