package org.torchbatch.runtime.engine;

import java.util.Arrays;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One round of {@code auto}'s batch-size search: a few sizes, each measured in two windows of
 * cycles ordered as a palindrome (4096, 2048, 1024, 512, 512, 1024, 2048, 4096), so that a rate
 * drifting as the query warms up or the machine's load moves weighs on every size alike. The first
 * round goes down from the start in halves; a round won by its smallest size goes on down in pairs
 * (512, 256, 256, 512), one won by its largest up (4096, 8192, 8192, 4096). A size whose first
 * window runs below 90% of the round's best window so far is a clear loss (from the first round's
 * third size on): no smaller (or, going up, larger) size is tried, and the sizes before it are
 * measured again, so that the round's verdict still weighs windows on either side of each size (one
 * window each is no verdict: the first, right after the query began, may run well faster or slower
 * than the query goes on to).
 */
final class SizeRounds {
  private static final int FIRST_ROUND_SIZES = 4;

  private enum Direction {
    FIRST,
    DOWN,
    UP
  }

  private final Direction direction;
  // the sizes of the round's first half, each then measured again in reverse
  private int tried;
  private int[] order;
  private int position;
  private double bestWindow;
  // each size's summed {rows, nanos} over its windows in this round
  private final Map<Integer, long[]> totals = new TreeMap<>();

  private SizeRounds(Direction direction, int... sizes) {
    this.direction = direction;
    this.tried = sizes.length;
    this.order = Arrays.copyOf(sizes, 2 * sizes.length);
    for (int i = 0; i < sizes.length; i++) {
      order[sizes.length + i] = sizes[sizes.length - 1 - i];
    }
  }

  /** The start and up to three halvings of it, none below {@link BatchSizer#AUTO_MIN}. */
  static SizeRounds first(int start) {
    int[] sizes = new int[FIRST_ROUND_SIZES];
    int count = 0;
    for (int size = start;
        count < sizes.length && (count == 0 || size >= BatchSizer.AUTO_MIN);
        size /= 2) {
      sizes[count++] = size;
    }
    return new SizeRounds(Direction.FIRST, Arrays.copyOf(sizes, count));
  }

  /** The size to measure now. */
  int size() {
    return order[position];
  }

  /**
   * Ends a window of {@code rows} in {@code nanos} at {@link #size()}; whether the round is over.
   */
  boolean windowEnded(long rows, long nanos) {
    long[] total = totals.computeIfAbsent(size(), size -> new long[2]);
    total[0] += rows;
    total[1] += nanos;
    double rate = rows / (nanos / 1e9);
    if (position >= firstLoser() && position < tried && rate < bestWindow * BatchSizer.CLEAR_LOSS) {
      // the sizes before the loser measured again in reverse, so that it is judged against
      // windows on either side of it
      tried = position + 1;
      order = Arrays.copyOf(order, 2 * position + 1);
      for (int i = 0; i < position; i++) {
        order[position + 1 + i] = order[position - 1 - i];
      }
    }
    bestWindow = position < tried ? Math.max(bestWindow, rate) : bestWindow;
    position++;
    return position >= order.length;
  }

  /**
   * The first position a clear loss may end a round's first half at: the first round's first
   * halving always gets its two windows, since one window right after the query began may run far
   * from the rate the query goes on at, and then the start would be judged on two windows against
   * one.
   */
  private int firstLoser() {
    return direction == Direction.FIRST ? 2 : 1;
  }

  /** Rows/s of each size measured in this round: its windows' rows over their time. */
  NavigableMap<Integer, Double> rates() {
    NavigableMap<Integer, Double> rates = new TreeMap<>();
    totals.forEach((size, total) -> rates.put(size, total[0] / (total[1] / 1e9)));
    return rates;
  }

  /**
   * The round after this finished one, or null where the search ends at {@link #chosen}: down from
   * a smallest size that won, up from a largest (below {@code max}); past the first round only
   * while the size a pair round tried gained at least 5% over the one it went on from.
   */
  SizeRounds next(int max) {
    NavigableMap<Integer, Double> rates = rates();
    int winner = chosen(rates);
    int from = order[0];
    boolean gained =
        direction == Direction.FIRST
            || (winner != from && rates.get(winner) >= rates.get(from) * BatchSizer.MIN_GAIN);
    if (!gained) {
      return null;
    }
    if (direction != Direction.UP
        && winner == rates.firstKey()
        && winner < from
        && winner / 2 >= BatchSizer.AUTO_MIN) {
      return new SizeRounds(Direction.DOWN, winner, winner / 2);
    }
    if (direction != Direction.DOWN && winner == rates.lastKey() && winner < max) {
      return new SizeRounds(Direction.UP, winner, (int) Math.min(2L * winner, max));
    }
    return null;
  }

  /** The best size, or a larger one within 1% of it: as fast, in fewer calls. */
  static int chosen(Map<Integer, Double> rates) {
    double best = best(rates);
    return rates.entrySet().stream()
        .filter(rate -> rate.getValue() * BatchSizer.TIE >= best)
        .reduce((smaller, larger) -> larger)
        .orElseThrow()
        .getKey();
  }

  /** The highest of {@code rates}. */
  static double best(Map<Integer, Double> rates) {
    return rates.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
  }
}
