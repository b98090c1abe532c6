package org.torchbatch.runtime.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.runtime.TorchbatchException;

/**
 * How many rows go to the model per call: a fixed number, or {@code auto}. {@code auto} starts at
 * {@link #AUTO_START} rows (the columnar readers' batch, so that its first calls cost no slicing
 * and are seldom far from the best) and measures sizes in rounds ({@link SizeRounds}): the start
 * and three halvings of it, each in two windows ordered as a palindrome so that a rate drifting as
 * the query warms up weighs on all alike; then on down in pairs while the smallest size wins, or up
 * while the start wins, each pair round going on only where the size it tried gained 5%. It settles
 * on the best size (or a larger one within 1% of it). The search's own sizes are part of the run,
 * so it measures few, in short windows, and ends each direction at the first clear loss.
 *
 * <p>A size is judged by its cycles: the time from one call's start to the start of the same task's
 * next call, so that the work around the call counts (reading and slicing the input, writing the
 * output), since the size changes that work's cost too (small batches stay in the CPU's caches
 * between the reader, the model and the writer; big ones spread per-call costs). A window's rows/s
 * is its cycles' rows over their time, summed rather than a median since the cycles that read a new
 * input batch are longer than the ones that slice the same batch, over at least three cycles of
 * full calls, a tenth of a second and two columnar reader batches of rows, after one untimed cycle
 * (five for the first window, whose first calls meet the query's start). Input that arrives in
 * smaller batches than the size caps it. It never grows past {@link #MAX_AUTO_BYTES} of input a
 * call, so that wide rows (images) fit in memory. A device out-of-memory error halves the size for
 * good. Shared by the threads that run one model, so they learn together.
 */
public final class BatchSizer {
  public static final String AUTO = "auto";
  static final int AUTO_START = 4096;
  static final int AUTO_MIN = 64;
  static final int WARM_UP_CYCLES = 5;
  static final int WINDOW_CYCLES = 3;
  static final long WINDOW_NANOS = 100_000_000L;
  static final long WINDOW_ROWS = 2L * AUTO_START;
  static final double MIN_GAIN = 1.05;
  static final double CLEAR_LOSS = 0.90;
  static final double TIE = 1.01;
  public static final long MAX_AUTO_BYTES = 64L << 20;
  private static final Logger LOG = LoggerFactory.getLogger(BatchSizer.class);

  private final String model;
  private final boolean auto;
  private final NavigableMap<Integer, Double> rates = new TreeMap<>();
  private final List<String> measuredRounds = new ArrayList<>();
  private SizeRounds round;
  private int size;
  private int max;
  private boolean settled;
  private boolean warmedUp;
  private int samples;
  private long timedNanos;
  private long timedRows;
  private int fullCycles;
  private int capped;

  private BatchSizer(String model, boolean auto, int size, int max) {
    this.model = model;
    this.auto = auto;
    this.size = size;
    this.max = max;
    this.settled = !auto;
    if (auto) {
      startRound(SizeRounds.first(size));
    }
  }

  /** {@code setting} is a positive row count or {@code auto} (growing up to {@code max}). */
  public static BatchSizer of(String model, String setting, int max) {
    if (isAuto(setting)) {
      return new BatchSizer(model, true, Math.min(AUTO_START, max), max);
    }
    int fixed = parseFixed(setting);
    return new BatchSizer(model, false, fixed, fixed);
  }

  public static boolean isAuto(String setting) {
    return setting.trim().toLowerCase(Locale.ROOT).equals(AUTO);
  }

  /** Checks a setting: a positive integer or {@code auto}. */
  public static String validate(String key, String setting) {
    if (!isAuto(setting)) {
      try {
        parseFixed(setting);
      } catch (IllegalArgumentException e) {
        throw new TorchbatchException(
            key + " must be a positive integer or 'auto', got '" + setting + "'");
      }
    }
    return setting.trim().toLowerCase(Locale.ROOT);
  }

  private static int parseFixed(String setting) {
    int parsed = Integer.parseInt(setting.trim());
    if (parsed <= 0) {
      throw new IllegalArgumentException("not positive: " + parsed);
    }
    return parsed;
  }

  /** Rows for the next call. */
  public synchronized int rows() {
    return size;
  }

  public synchronized boolean settled() {
    return settled;
  }

  /**
   * The most rows a call may take where several tasks' calls join into one: the largest size the
   * search measured short of a clear loss (a bigger call may no longer fit the CPU's caches,
   * however many threads share it), or the size itself where nothing was measured.
   */
  public synchronized int largestFit() {
    if (rates.isEmpty()) {
      return size;
    }
    double best = SizeRounds.best(rates);
    return rates.entrySet().stream()
        .filter(rate -> rate.getValue() >= best * CLEAR_LOSS)
        .mapToInt(Map.Entry::getKey)
        .max()
        .orElse(size);
  }

  /**
   * Reports one call of {@code rows} rows and {@code inputBytes}, sized when calls took {@code
   * asked} rows, and its cycle: the {@code nanos} from its start to the start of the same task's
   * next call.
   */
  public synchronized void cycled(int rows, int asked, long nanos, long inputBytes) {
    if (settled || asked != size) {
      // a call sized before the size last changed
      return;
    }
    long bytesPerRow = Math.max(1, inputBytes / Math.max(1, rows));
    max = (int) Math.max(1, Math.min(max, MAX_AUTO_BYTES / bytesPerRow));
    if (size > max) {
      // wide rows (images): the search starts from the most rows the input bytes allow
      LOG.info(
          "Model {}: {} MiB of input holds {} rows of {} bytes",
          model,
          MAX_AUTO_BYTES >> 20,
          max,
          bytesPerRow);
      restartAt(max);
      return;
    }
    boolean full = rows == size;
    // a run of calls between half the size and the size means the input (a reader's batches)
    // caps it; shorter ones end an input batch, and are timed with the size's full calls
    if (!full && rows >= size / 2 && ++capped >= WARM_UP_CYCLES) {
      inputCaps(rows);
      return;
    }
    if (full) {
      capped = 0;
    }
    // a window's first cycle pays for allocations the next ones reuse; the first window's first
    // cycles also meet the query's start (each task's first batch, its threads and buffers warming)
    if (++samples <= (warmedUp ? 1 : WARM_UP_CYCLES)) {
      return;
    }
    timedRows += rows;
    timedNanos += Math.max(1, nanos);
    fullCycles += full ? 1 : 0;
    // small inputs alone (a small query, partitions' ends) say nothing of the size
    if (fullCycles < WINDOW_CYCLES || timedNanos < WINDOW_NANOS || timedRows < WINDOW_ROWS) {
      return;
    }
    warmedUp = true;
    LOG.debug(
        "Model {}: a window of {} rows a call ran {} rows/s a task",
        model,
        size,
        String.format("%,.0f", timedRows / (timedNanos / 1e9)));
    if (!round.windowEnded(timedRows, timedNanos)) {
      measure(round.size());
      return;
    }
    NavigableMap<Integer, Double> measured = round.rates();
    endRound(measured);
    int winner = SizeRounds.chosen(measured);
    SizeRounds next = round.next(max);
    if (next != null) {
      startRound(next);
    } else {
      settle(winner, winner < max ? "no further gain" : "the maximum, " + max + " rows");
    }
  }

  /** Input batches of {@code rows}, fewer than the size, cap it. */
  private void inputCaps(int rows) {
    NavigableMap<Integer, Double> measured = round.rates();
    if (measured.isEmpty() && rates.isEmpty()) {
      restartAt(rows);
      return;
    }
    if (!measured.isEmpty()) {
      endRound(measured);
    }
    settle(
        SizeRounds.chosen(measured.isEmpty() ? rates : measured),
        "input batches of " + rows + " rows cap the size");
  }

  /**
   * After an out-of-memory error on {@code rows} rows: whether to retry in halves. Only {@code
   * auto} shrinks; the halved size becomes its ceiling.
   */
  public synchronized boolean shrinkAfterOutOfMemory(int rows) {
    if (!auto || rows <= 1) {
      return false;
    }
    int half = Math.max(1, rows / 2);
    max = Math.min(max, half);
    settled = true;
    if (size > half) {
      size = half;
      LOG.warn(
          "Model {}: the device ran out of memory on {} rows; batches are now at most {} rows",
          model,
          rows,
          size);
    }
    return true;
  }

  /** Whether {@code error} is libtorch running out of device (or host) memory. */
  public static boolean isOutOfMemory(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("out of memory") || message.contains("can't allocate memory")) {
        return true;
      }
    }
    return false;
  }

  /** Starts the search again from {@code rows}, never to go above it. */
  private void restartAt(int rows) {
    max = rows;
    rates.clear();
    measuredRounds.clear();
    startRound(SizeRounds.first(rows));
  }

  private void startRound(SizeRounds next) {
    round = next;
    measure(round.size());
  }

  private void measure(int next) {
    size = next;
    samples = 0;
    timedNanos = 0;
    timedRows = 0;
    fullCycles = 0;
    capped = 0;
  }

  /** Keeps a round's rates by size, the latest for each size, and for the log. */
  private void endRound(Map<Integer, Double> measured) {
    rates.putAll(measured);
    StringBuilder text = new StringBuilder();
    measured.forEach(
        (rows, rate) ->
            text.append(text.length() == 0 ? "" : ", ")
                .append(rows)
                .append('=')
                .append(String.format("%,.0f", rate)));
    measuredRounds.add(text.toString());
  }

  private void settle(int chosen, String why) {
    size = chosen;
    settled = true;
    LOG.info(
        "Model {}: auto batch size settled at {} rows ({}; rows/s a task by size, round by round:"
            + " [{}])",
        model,
        chosen,
        why,
        String.join("], [", measuredRounds));
  }
}
