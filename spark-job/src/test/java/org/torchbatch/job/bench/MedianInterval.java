package org.torchbatch.job.bench;

import java.util.Arrays;
import org.torchbatch.runtime.bench.Measurement;

/**
 * Where the median of a ratio lies, from its rounds alone: the k-th smallest and k-th largest round
 * bound it with probability {@code 1 - 2 P(Binomial(n, 1/2) < k)}, whatever the shape of the noise,
 * provided the rounds are independent.
 *
 * @param coverage the probability that the interval holds the median
 */
record MedianInterval(double low, double high, double coverage) {

  /**
   * The narrowest such interval holding the median with at least {@code confidence}, or the widest
   * (smallest to largest round) when too few rounds reach it.
   */
  static MedianInterval of(Measurement rounds, double confidence) {
    double[] sorted = rounds.rowsPerSecond().clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    int k = 1;
    while (k + 1 <= (n + 1) / 2 && coverage(n, k + 1) >= confidence) {
      k++;
    }
    return new MedianInterval(sorted[k - 1], sorted[n - k], coverage(n, k));
  }

  /** The probability that the k-th smallest and k-th largest of n rounds enclose the median. */
  static double coverage(int n, int k) {
    double tail = 0;
    double choose = 1;
    for (int below = 0; below < k; below++) {
      tail += choose;
      choose = choose * (n - below) / (below + 1);
    }
    return 1 - 2 * tail / Math.pow(2, n);
  }
}
