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
      cycle(sizer, rows, (long) (rows / rowsPerSecond.applyAsDouble(rows) * 1e9), rowBytes);
    }
    return sizer;
  }

  /** A call of {@code rows}, sized as the sizer asks now. */
  private static void cycle(BatchSizer sizer, int rows, long nanos, long rowBytes) {
    sizer.cycled(rows, sizer.rows(), nanos, rows * rowBytes);
  }

  /** The sizes {@code rates} (rows/s by size, in thousands) had measured, in the order tried. */
  private static List<Integer> tried(BatchSizer sizer, Map<Integer, Double> rates) {
    List<Integer> tried = new ArrayList<>();
    runUntilSettled(
        sizer,
        rows -> {
          if (tried.isEmpty() || tried.get(tried.size() - 1) != rows) {
            tried.add(rows);
          }
          return 1000.0 * rates.get(rows);
        });
    return tried;
  }

  @Test
  void fixedSizesNeverMove() {
    BatchSizer sizer = BatchSizer.of("m", "512", 16384);
    runUntilSettled(sizer, rows -> rows * 100.0);
    assertThat(sizer.rows()).isEqualTo(512);
    assertThat(sizer.shrinkAfterOutOfMemory(512)).isFalse();
  }

  @Test
  void autoMeasuresTheStartAndThreeHalvingsInAPalindromeAndSettlesAtTheBest() {
    // a CPU model: fastest at 512-1024 rows a call, 4096 a fifth slower
    Map<Integer, Double> rates =
        Map.of(4096, 80.0, 2048, 94.0, 1024, 100.0, 512, 99.0, 256, 85.0, 128, 60.0);
    BatchSizer sizer = BatchSizer.of("m", "auto", 16384);
    assertThat(tried(sizer, rates)).containsExactly(4096, 2048, 1024, 512, 1024, 2048, 4096);
    // the largest size within 1% of the best: as fast, in fewer calls
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
  void aClearLossLeavesOutTheSizesBeyondItAndMeasuresTheOnesBeforeItAgain() {
    // 1024 below 90% of the best so far: 512 (which would be faster) is not tried
    Map<Integer, Double> rates = Map.of(4096, 100.0, 2048, 103.0, 1024, 80.0, 512, 200.0);
    BatchSizer sizer = BatchSizer.of("m", "auto", 16384);
    assertThat(tried(sizer, rates)).containsExactly(4096, 2048, 1024, 2048, 4096);
    assertThat(sizer.rows()).isEqualTo(2048);
  }

  @Test
  void aStartThatWinsClearlySendsTheSearchUp() {
    Map<Integer, Double> rates =
        Map.of(4096, 100.0, 2048, 50.0, 1024, 40.0, 8192, 101.0, 16384, 101.5);
    BatchSizer sizer = BatchSizer.of("m", "auto", 16384);
    // 8192 within 1% of 4096: kept (fewer calls), but no gain to go on to 16384 for
    assertThat(tried(sizer, rates)).containsExactly(4096, 2048, 1024, 2048, 4096, 8192, 4096);
    assertThat(sizer.rows()).isEqualTo(8192);
  }

  @Test
  void theStartsFirstHalvingGetsBothItsWindowsWhateverItsFirstReads() {
    // the start's first calls run 55% faster than later ones (a query's start), so 2048 first
    // looks a clear loss; measured again on either side of the start's second window, it wins
    Map<Integer, Double> rates = Map.of(4096, 100.0, 2048, 130.0, 1024, 110.0, 512, 100.0);
    int[] calls = {0};
    List<Integer> tried = new ArrayList<>();
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    runUntilSettled(
        sizer,
        rows -> {
          if (tried.isEmpty() || tried.get(tried.size() - 1) != rows) {
            tried.add(rows);
          }
          return 1000.0 * rates.get(rows) * (calls[0]++ < 9 ? 1.55 : 1);
        });
    assertThat(tried).containsExactly(4096, 2048, 1024, 2048, 4096);
    assertThat(sizer.rows()).isEqualTo(2048);
  }

  @Test
  void autoGoesDownInPairsWhileTheSmallerSizeGainsFivePercent() {
    Map<Integer, Double> rates =
        Map.of(4096, 80.0, 2048, 85.0, 1024, 90.0, 512, 100.0, 256, 110.0, 128, 114.0, 64, 200.0);
    BatchSizer sizer = BatchSizer.of("m", "auto", 16384);
    // 256 gains 10% over 512, 128 only 4% over 256: the better of the pair, and no further
    assertThat(tried(sizer, rates))
        .containsExactly(4096, 2048, 1024, 512, 1024, 2048, 4096, 512, 256, 512, 256, 128, 256);
    assertThat(sizer.rows()).isEqualTo(128);
  }

  @Test
  void autoGoesUpInPairsWhenTheStartWins() {
    // a GPU: rows/s rises up to 16384 rows a call, then flattens out
    BatchSizer sizer =
        runUntilSettled(
            BatchSizer.of("m", "auto", 65536), rows -> 1000.0 * Math.min(rows, 16384) + rows);
    // 32768 gains nothing over 16384, but is within 1% of it: fewer calls
    assertThat(sizer.rows()).isEqualTo(32768);
    BatchSizer steep =
        runUntilSettled(
            BatchSizer.of("m", "auto", 65536),
            rows -> rows <= 16384 ? 10.0 * rows : 10.0 * 16384 * 16384 / rows);
    assertThat(steep.rows()).isEqualTo(16384);
  }

  @Test
  void aRateDriftingAsTheQueryWarmsUpWeighsOnEverySizeAlike() {
    // 4096 rows a call is 4% faster than the rest, while every call speeds up from 60% to 100% of
    // its rate over the search's first seconds (a query warming up): measured one after another,
    // the last sizes would look fastest
    double[] elapsed = {0};
    BatchSizer sizer = BatchSizer.of("m", "auto", 4096);
    runUntilSettled(
        sizer,
        rows -> {
          double warm = Math.min(1, 0.6 + 0.4 * elapsed[0] / 4);
          double rate = warm * (rows == 4096 ? 41_600.0 : 40_000.0);
          elapsed[0] += rows / rate;
          return rate;
        });
    assertThat(sizer.rows()).isEqualTo(4096);
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
      cycle(sizer, rows, (long) (rows / rate * 1e9), 64);
    }
    assertThat(sizer.rows()).isEqualTo(4096);
  }

  @Test
  void eachWindowIsThreeFullCyclesATenthOfASecondAndTwoReaderBatchesAtLeast() {
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    // 50-ms cycles: the first five (the first window's warm-up), then three
    feed(sizer, 4096, 50_000_000, 7);
    assertThat(sizer.rows()).isEqualTo(4096);
    feed(sizer, 4096, 50_000_000, 1);
    assertThat(sizer.rows()).isEqualTo(2048);
    // 1-ms cycles: one untimed, then a tenth of a second's
    feed(sizer, 2048, 1_000_000, 100);
    assertThat(sizer.rows()).isEqualTo(2048);
    feed(sizer, 2048, 1_000_000, 1);
    assertThat(sizer.rows()).isEqualTo(1024);
    // 0.1-s cycles: one untimed, then 8192 rows' (a clear loss: the round turns back)
    feed(sizer, 1024, 100_000_000, 8);
    assertThat(sizer.rows()).isEqualTo(1024);
    feed(sizer, 1024, 100_000_000, 1);
    assertThat(sizer.rows()).isEqualTo(2048);
  }

  private static void feed(BatchSizer sizer, int rows, long nanos, int calls) {
    for (int call = 0; call < calls; call++) {
      cycle(sizer, rows, nanos, 64);
    }
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
      cycle(sizer, rows, (long) (micros * 1000), 64);
      left = left == 0 ? 10_000 : left;
    }
    assertThat(sizer.rows()).isEqualTo(1024);
  }

  @Test
  void callsSizedBeforeTheSizeChangedAreNotTimed() {
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    while (sizer.rows() == 4096) {
      cycle(sizer, 4096, 4096 * 10_000L, 64);
    }
    // other tasks' last 4096-row calls, that met a pause, report after the change
    for (int call = 0; call < 100; call++) {
      sizer.cycled(4096, 4096, 1_000_000_000L, 4096 * 64L);
    }
    while (sizer.rows() != 1024) {
      cycle(sizer, sizer.rows(), sizer.rows() * 10_000L, 64);
    }
    while (sizer.rows() == 1024) {
      cycle(sizer, 1024, 1024 * 10_000L, 64);
    }
    // and after 1024 gave way to 512, 1024-row calls that ran fast
    for (int call = 0; call < 100; call++) {
      sizer.cycled(1024, 1024, 1_000L, 1024 * 64L);
    }
    runUntilSettled(sizer, rows -> rows == 2048 ? 120_000.0 : 100_000.0);
    assertThat(sizer.rows()).isEqualTo(2048);
  }

  @Test
  void theFirstWindowsFirstCallsAreLeftOut() {
    // 0.2-s calls of 4096 rows, the first five three times as slow (a query's start): timed, they
    // would make 2048 look faster
    int[] calls = {0};
    BatchSizer sizer = BatchSizer.of("m", "auto", 4096);
    runUntilSettled(
        sizer, rows -> (calls[0]++ < 5 ? 1.0 / 3 : 1) * (rows >= 4096 ? 20_000.0 : 17_000.0));
    assertThat(sizer.rows()).isEqualTo(4096);
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
      cycle(sizer, rows, rows * 1000L, 64);
    }
    assertThat(sizer.settled()).isTrue();
    assertThat(sizer.rows()).isEqualTo(3000);
  }

  @Test
  void inputBatchesCappingALargerSizeEndTheSearchAtTheBestMeasured() {
    // the job's reader batches of 4096 rows: 8192 is never reached
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    for (int call = 0; call < 10_000 && !sizer.settled(); call++) {
      int rows = Math.min(sizer.rows(), 4096);
      cycle(sizer, rows, (long) (rows / (rows == 4096 ? 110_000.0 : 100_000.0) * 1e9), 64);
    }
    assertThat(sizer.settled()).isTrue();
    assertThat(sizer.rows()).isEqualTo(4096);
  }

  @Test
  void smallInputsLeaveTheSizeAlone() {
    // a small query (or a partition's end) first must not pin a 34-row size for later ones
    BatchSizer sizer = BatchSizer.of("m", "auto", 65536);
    for (int call = 0; call < 100; call++) {
      cycle(sizer, 34, 34_000, 64);
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
