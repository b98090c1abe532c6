package org.torchbatch.job.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.bench.Measurement;

class MedianIntervalTest {
  private static Measurement shuffled(int n) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = (i * 7 % n) + 1; // 1..n, out of order
    }
    return new Measurement(values);
  }

  @Test
  void twelveRoundsBoundTheMedianByTheirThirdSmallestAndThirdLargest() {
    MedianInterval interval = MedianInterval.of(shuffled(12), 0.95);

    assertEquals(3, interval.low());
    assertEquals(10, interval.high());
    assertEquals(1 - 2 * (1 + 12 + 66) / 4096.0, interval.coverage(), 1e-12);
  }

  @Test
  void fiveRoundsCannotReachNinetyFivePercentSoTheWholeRangeIsGiven() {
    MedianInterval interval = MedianInterval.of(shuffled(5), 0.95);

    assertEquals(1, interval.low());
    assertEquals(5, interval.high());
    assertEquals(1 - 2 / 32.0, interval.coverage(), 1e-12);
  }

  @Test
  void twentyRoundsBoundItByTheirSixthSmallestAndSixthLargest() {
    MedianInterval interval = MedianInterval.of(shuffled(20), 0.95);

    assertEquals(6, interval.low());
    assertEquals(15, interval.high());
    assertEquals(1 - 2 * 21700 / Math.pow(2, 20), interval.coverage(), 1e-12);
  }
}
