package org.torchbatch.runtime.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class MeasurementTest {
  @Test
  void summarisesRunsByMedianAndRange() {
    Measurement odd = new Measurement(new double[] {3, 1, 2});
    Measurement even = new Measurement(new double[] {4, 1, 3, 2});

    assertEquals(2, odd.median());
    assertEquals(2.5, even.median());
    assertEquals(1, even.min());
    assertEquals(4, even.max());
    assertEquals("2 (1-3)", odd.describe());
  }

  @Test
  void dividesRunByRun() {
    Measurement top = new Measurement(new double[] {10, 30, 8});
    Measurement bottom = new Measurement(new double[] {5, 10, 8});

    assertArrayEquals(new double[] {2, 3, 1}, top.dividedBy(bottom).rowsPerSecond());
  }
}
