package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.TorchbatchException;

class BatchSizerTest {
  /** Feeds full batches whose call time follows {@code rowsPerSecond(size)} until it settles. */
  private static BatchSizer runUntilSettled(BatchSizer sizer, IntToDoubleFunction rowsPerSecond) {
    return runUntilSettledWithRowBytes(sizer, 64, rowsPerSecond);
  }

  private static BatchSizer runUntilSettledWithRowBytes(
      BatchSizer sizer, long rowBytes, IntToDoubleFunction rowsPerSecond) {
    for (int call = 0; call < 100_000 && !sizer.settled(); call++) {
      int rows = sizer.rows();
      sizer.cycled(rows, (long) (rows / rowsPerSecond.applyAsDouble(rows) * 1e9), rows * rowBytes);
    }
    return sizer;
  }

  @Test
  void fixedSizesNeverMove() {
    BatchSizer sizer = BatchSizer.of("m", "512", 16384);
    runUntilSettled(sizer, rows -> rows * 100.0);
    assertThat(sizer.rows()).isEqualTo(512);
    assertThat(sizer.shrinkAfterOutOfMemory(512)).isFalse();
  }

  @Test
  void autoHalvesFromTheStartWhileThatPaysAndSettlesAtTheLargestSizeAsGoodAsTheBest() {
    // a CPU model: fastest at 512-1024 rows a call, 4096 a fifth slower
    Map<Integer, Double> rates =
        Map.of(4096, 80.0, 2048, 94.0, 1024, 100.0, 512, 99.0, 256, 85.0, 128, 60.0);
    BatchSizer sizer =
        runUntilSettled(BatchSizer.of("m", "auto", 16384), rows -> 1000.0 * rates.get(rows));
    assertThat(sizer.rows()).isEqualTo(1024);
  }

  @Test
  void joinedCallsGrowNoFurtherThanTheLargestSizeMeasuredShortOfAClearLoss() {
    assertThat(BatchSizer.of("m", "512", 16384).largestFit()).isEqualTo(512);
    // 4096 a fifth slower than the best: a clear loss; 2048 within 90% of it
    Map<Integer, Double> rates =
        Map.of(4096, 80.0, 2048, 94.0, 1024, 100.0, 512, 99.0, 256, 85.0, 128, 60.0);
    BatchSizer sizer =
        runUntilSettled(BatchSizer.of("m", "auto", 16384), rows -> 1000.0 * rates.get(rows));
    assertThat(sizer.rows()).isEqualTo(1024);
    assertThat(sizer.largestFit()).isEqualTo(2048);
  }

  @Test
  void aClearLossEndsADirectionAtOnce() {
    List<Integer> tried = new ArrayList<>();
    BatchSizer sizer = BatchSizer.of("m", "auto", 16384);
    runUntilSettled(
        sizer,
        rows -> {
          if (tried.isEmpty() || tried.get(tried.size() - 1) != rows) {
            tried.add(rows);
          }
          return rows >= 4096 ? 100_000.0 : 50_000.0;
        });
    // 2048 is half as fast: no smaller size is tried; 8192 and 16384 gain nothing
    assertThat(tried).containsExactly(4096, 2048, 8192, 16384);
    assertThat(sizer.rows()).isEqualTo(16384);
  }

  @Test
  void autoDoublesWhenNoSmallerSizeBeatsTheStart() {
    // a GPU: rows/s rises up to 16384 rows a call, then flattens out
    BatchSizer sizer =
        runUntilSettled(
            BatchSizer.of("m", "auto", 65536), rows -> 1000.0 * Math.min(rows, 16384) + rows);
    assertThat(sizer.rows()).isEqualTo(65536);
    BatchSizer steep =
        runUntilSettled(
            BatchSizer.of("m", "auto", 65536),
            rows -> rows <= 16384 ? 10.0 * rows : 10.0 * 16384 * 16384 / rows);
    assertThat(steep.rows()).isEqualTo(16384);
  }

  @Test
  void oneSlowSizeDoesNotEndTheSearch() {
    // 512 rows met a busy machine (within 10% of the best); smaller sizes are faster again
    Map<Integer, Double> rates =
        Map.of(4096, 80.0, 2048, 90.0, 1024, 92.0, 512, 85.0, 256, 99.0, 128, 97.0, 64, 96.0);
    BatchSizer sizer =
        runUntilSettled(BatchSizer.of("m", "auto", 16384), rows -> 1000.0 * rates.get(rows));
    assertThat(sizer.rows()).isEqualTo(256);
  }

  @Test
  void aFewLuckyCallsDoNotPinASmallSize() {
    // rows/s peaks at 4096 rows a call; one call in ten at 2048 rows runs 10x as fast as the rest
    // (the fastest call would make 2048 the best size)
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    for (int call = 0; call < 100_000 && !sizer.settled(); call++) {
      int rows = sizer.rows();
      double rate =
          100.0 * (rows <= 4096 ? rows : 2048) * (rows == 2048 && call % 10 == 0 ? 10 : 1);
      sizer.cycled(rows, (long) (rows / rate * 1e9), rows * 64L);
    }
    assertThat(sizer.rows()).isEqualTo(4096);
  }

  @Test
  void eachSizeIsTimedForAFifthOfASecondAndFourReaderBatchesAtLeast() {
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    // 1 ms cycles: the first five (the first size's warm-up) and 199 more before it is judged
    for (int call = 0; call < 204; call++) {
      sizer.cycled(4096, 1_000_000, 4096 * 64L);
    }
    assertThat(sizer.rows()).isEqualTo(4096);
    sizer.cycled(4096, 1_000_000, 4096 * 64L);
    assertThat(sizer.rows()).isEqualTo(2048);
    // 0.1-s cycles: a fifth of a second in two, but 16384 rows in eight (after one untimed)
    for (int call = 0; call < 8; call++) {
      sizer.cycled(2048, 100_000_000, 2048 * 64L);
    }
    assertThat(sizer.rows()).isEqualTo(2048);
    sizer.cycled(2048, 100_000_000, 2048 * 64L);
    assertThat(sizer.rows()).isEqualTo(8192);
  }

  @Test
  void theCyclesThatReadTheNextBatchCountAsOftenAsTheyCome() {
    // 10,000-row input batches (Spark's cached ones) that take 10 ms to read, sliced into calls of
    // 0.2 ms and 2 us a row, with 1-2 us a row of work on their output after them (1 if the
    // call's rows stay in cache, up to 1024): whole batches run fastest at 1024 rows a call
    // (10 calls, 42 ms) against 50.6 ms at 4096 (3 calls, the last one short) and 44 ms at 512
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    int left = 10_000;
    for (int call = 0; call < 100_000 && !sizer.settled(); call++) {
      int rows = Math.min(sizer.rows(), left);
      left -= rows;
      double micros = 200 + rows * (2 + (rows <= 1024 ? 1 : 2)) + (left == 0 ? 10_000 : 0);
      sizer.cycled(rows, (long) (micros * 1000), rows * 64L);
      left = left == 0 ? 10_000 : left;
    }
    assertThat(sizer.rows()).isEqualTo(1024);
  }

  @Test
  void callsSizedBeforeTheSizeChangedAreNotTimed() {
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    while (sizer.rows() == 4096) {
      sizer.cycled(4096, 4096 * 10_000L, 4096 * 64L);
    }
    // other tasks' last 4096-row calls, that met a pause, report after the change
    for (int call = 0; call < 100; call++) {
      sizer.cycled(4096, 1_000_000_000L, 4096 * 64L);
    }
    runUntilSettled(sizer, rows -> rows == 2048 ? 120_000.0 : 100_000.0);
    assertThat(sizer.rows()).isEqualTo(2048);
  }

  @Test
  void theFirstSizesFirstCallsAreLeftOut() {
    // 0.2-s calls of 4096 rows, the first five three times as slow (a query's start): timed, they
    // would make 2048 look faster
    int[] calls = {0};
    BatchSizer sizer = BatchSizer.of("m", "auto", 4096);
    runUntilSettled(
        sizer, rows -> (calls[0]++ < 5 ? 1.0 / 3 : 1) * (rows >= 4096 ? 20_000.0 : 15_000.0));
    assertThat(sizer.rows()).isEqualTo(4096);
  }

  @Test
  void aStartMeasuredWhileTheQueryBeganIsMeasuredAgain() {
    // a GPU, faster up to 16384 rows a call; the start's calls three times as slow (the first
    // ten: five left out, five timed), so 2048 first looks faster than 4096
    int[] calls = {0};
    List<Integer> tried = new ArrayList<>();
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    runUntilSettled(
        sizer,
        rows -> {
          if (tried.isEmpty() || tried.get(tried.size() - 1) != rows) {
            tried.add(rows);
          }
          return (calls[0]++ < 10 ? 1.0 / 3 : 1) * 10.0 * Math.min(rows, 16384);
        });
    assertThat(tried).startsWith(4096, 2048, 1024, 4096, 8192);
    assertThat(sizer.rows()).isEqualTo(65536);
  }

  @Test
  void theStartMeasuredAgainMustBeatTheSmallerSizesClearly() {
    // the start's first ten calls three times as slow (a query's start); measured again it reads
    // 2% above 2048, within noise of the size that beat it once
    int[] calls = {0};
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    runUntilSettled(
        sizer,
        rows ->
            (calls[0]++ < 10 ? 1.0 / 3 : 1)
                * (rows >= 4096 ? 102_000.0 : rows == 2048 ? 100_000.0 : 95_000.0));
    assertThat(sizer.rows()).isEqualTo(2048);
  }

  @Test
  void autoStopsAtItsMaximum() {
    BatchSizer sizer = runUntilSettled(BatchSizer.of("m", "AUTO", 1024), rows -> rows * 10.0);
    assertThat(sizer.rows()).isEqualTo(1024);
    BatchSizer wider = runUntilSettled(BatchSizer.of("m", "AUTO", 6000), rows -> rows * 10.0);
    assertThat(wider.rows()).isEqualTo(6000);
  }

  @Test
  void autoStaysWithinItsInputBytes() {
    // 150,528 floats a row (a 224 x 224 RGB image): 111 rows fill the 64 MiB
    long image = 3 * 224 * 224 * 4L;
    BatchSizer sizer =
        runUntilSettledWithRowBytes(BatchSizer.of("m", "auto", 16384), image, rows -> rows * 10.0);
    assertThat(sizer.settled()).isTrue();
    assertThat(sizer.rows()).isEqualTo((int) (BatchSizer.MAX_AUTO_BYTES / image));
    // 32 KiB rows: growth stops at the 2048 rows that fill it
    BatchSizer wide =
        runUntilSettledWithRowBytes(BatchSizer.of("m", "auto", 16384), 32768, rows -> rows * 10.0);
    assertThat(wide.rows()).isEqualTo(2048);
  }

  @Test
  void inputBatchesSmallerThanTheSizeCapIt() {
    // a reader's 3000-row batches: the search starts there, and goes no higher
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    for (int call = 0; call < 10_000 && !sizer.settled(); call++) {
      int rows = Math.min(sizer.rows(), 3000);
      sizer.cycled(rows, rows * 1000L, rows * 64L);
    }
    assertThat(sizer.settled()).isTrue();
    assertThat(sizer.rows()).isEqualTo(3000);
  }

  @Test
  void smallInputsLeaveTheSizeAlone() {
    // a small query (or a partition's end) first must not pin a 34-row size for later ones
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    for (int call = 0; call < 100; call++) {
      sizer.cycled(34, 34_000, 34 * 64L);
    }
    assertThat(sizer.settled()).isFalse();
    assertThat(sizer.rows()).isEqualTo(4096);
  }

  @Test
  void outOfMemoryHalvesAutoForGood() {
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    assertThat(sizer.shrinkAfterOutOfMemory(4096)).isTrue();
    assertThat(sizer.rows()).isEqualTo(2048);
    assertThat(sizer.settled()).isTrue();
    assertThat(sizer.shrinkAfterOutOfMemory(1)).isFalse();
  }

  @Test
  void recognisesOutOfMemoryMessages() {
    assertThat(
            BatchSizer.isOutOfMemory(
                new ModelExecutionException(
                    "failed", new RuntimeException("CUDA out of memory. Tried to allocate 2 GiB"))))
        .isTrue();
    assertThat(
            BatchSizer.isOutOfMemory(
                new RuntimeException("DefaultCPUAllocator: can't allocate memory: you tried")))
        .isTrue();
    assertThat(BatchSizer.isOutOfMemory(new RuntimeException("shape mismatch"))).isFalse();
  }

  @Test
  void settingsAreCheckedWithTheirKey() {
    assertThat(BatchSizer.validate("k", " Auto ")).isEqualTo("auto");
    assertThat(BatchSizer.validate("k", "64")).isEqualTo("64");
    assertThatThrownBy(() -> BatchSizer.validate("k.batchSize", "0"))
        .isInstanceOf(TorchbatchException.class)
        .hasMessage("k.batchSize must be a positive integer or 'auto', got '0'");
  }
}
