package org.torchbatch.runtime.engine;

import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.runtime.TorchbatchException;

/**
 * How the tasks of one executor share its CPU cores when they call one model: each task's calls at
 * once, each on its task's cores ({@link Shape#TASK}: a runner per task), or one call at a time on
 * the cores of all the tasks that call the model ({@link Shape#SHARED}: one runner for the
 * executor, fed by its tasks in turn, each reading and writing while another's call runs). Which is
 * faster depends on the model and the CPU (how well libtorch spreads its operators over threads,
 * how the cores share their caches). {@code auto} starts per task and, once the batch size settled,
 * measures both shapes in windows ordered task, shared, shared, task (so that a rate drifting as
 * the query warms up or the machine's load moves weighs on both alike) of the cycles the batch size
 * is judged by (a call's start to the same task's next one, so a turn's wait counts), each of at
 * least five full cycles, a fifth of a second and 16,384 rows after one untimed cycle (five in the
 * first, which meet the query's start); it runs shared only where that was 5% faster, and stops
 * after the first shared window where that ran below 90% of the first. Where the batch size was
 * learned per task ({@code auto}), a shared call takes the rows of every task it runs for, so that
 * each of its threads gets as many rows as a task's own call: the size and the shape are then
 * searched together (libtorch spreads a big call over threads well, a small one not). Shared by the
 * threads that run one model.
 */
public final class RunnerShape {
  private static final String AUTO = "auto";
  private static final Shape[] WINDOWS = {Shape.TASK, Shape.SHARED, Shape.SHARED, Shape.TASK};
  // longer than the batch size's windows: two shapes to tell apart, each in two windows
  private static final int WINDOW_CYCLES = 5;
  private static final long WINDOW_NANOS = 200_000_000L;
  private static final long WINDOW_ROWS = 16_384;

  /** A runner per task, or one for the executor's tasks in turn. */
  public enum Shape {
    TASK,
    SHARED;

    String setting() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(RunnerShape.class);
  // fair: a task that waits gets the next turn, so none starves while another loops
  private final ReentrantLock turns = new ReentrantLock(true);
  private final String model;
  private final int cores;
  private final boolean scalesRows;
  private Shape shape;
  private boolean settled;
  private int joinedCpus;
  private int sharedThreads;
  private int window;
  private int samples;
  private int fullCycles;
  private long windowRows;
  private long windowNanos;
  private final long[] timedRows = new long[Shape.values().length];
  private final long[] timedNanos = new long[Shape.values().length];
  private final int[] largestCall = new int[Shape.values().length];

  /** {@code scalesRows}: the batch size is learned per task, so a shared call takes several's. */
  RunnerShape(String model, Shape fixed, int cores, boolean scalesRows) {
    this.model = model;
    this.cores = cores;
    this.scalesRows = scalesRows;
    this.shape = fixed == null ? Shape.TASK : fixed;
    this.settled = fixed != null;
  }

  /**
   * {@code setting} is {@code auto}, {@code task} or {@code shared}; {@code sizeLearned}: the batch
   * size is {@code auto}, learned per task before the shape is.
   */
  public static RunnerShape of(String model, String setting, boolean sizeLearned) {
    String value = setting.trim().toLowerCase(Locale.ROOT);
    Shape fixed = value.equals(AUTO) ? null : parse(value);
    return new RunnerShape(
        model, fixed, Runtime.getRuntime().availableProcessors(), fixed == null && sizeLearned);
  }

  private static Shape parse(String value) {
    for (Shape candidate : Shape.values()) {
      if (candidate.setting().equals(value)) {
        return candidate;
      }
    }
    throw new TorchbatchException("runners must be auto, task or shared, got '" + value + "'");
  }

  /** A task that calls the model began: its cores join those a shared call runs on. */
  public synchronized void join(int cpus) {
    joinedCpus += cpus;
  }

  /** A task that called the model ended. */
  public synchronized void leave(int cpus) {
    joinedCpus = Math.max(0, joinedCpus - cpus);
  }

  public synchronized Shape shape() {
    return shape;
  }

  public synchronized boolean settled() {
    return settled;
  }

  /**
   * Rows for the next call of a task on {@code cpus} cores, where {@code taskRows} is the size
   * learned for a task's own call: a shared call on the cores of every joined task takes as many
   * rows a thread, up to {@code max}.
   */
  public synchronized int rows(int taskRows, int cpus, int max) {
    if (!scalesRows || shape != Shape.SHARED) {
      return taskRows;
    }
    long rows = (long) taskRows * threads(shape, cpus) / cpus;
    return (int) Math.max(taskRows, Math.min(max, rows));
  }

  private int threads(Shape now, int cpus) {
    return now == Shape.SHARED ? Math.max(cpus, Math.min(joinedCpus, cores)) : cpus;
  }

  /**
   * The turn of a task's next call, on {@code cpus} cores of its own: shared, it waits for the
   * calls before it and runs on the cores of every task calling the model. Closing it ends the
   * turn.
   */
  public Turn enter(int cpus) {
    Shape now;
    int threads;
    synchronized (this) {
      now = shape;
      threads = threads(now, cpus);
      sharedThreads = now == Shape.SHARED ? threads : sharedThreads;
    }
    if (now == Shape.SHARED) {
      turns.lock();
    }
    return new Turn(now, threads);
  }

  /**
   * Reports one call of {@code rows} rows run in {@code ranAs} and its cycle: the {@code nanos}
   * from its start to the start of the same task's next call, where calls now take {@code asked}
   * rows. Full calls (at least half the rows asked: input batches may cap a shared call at a task's
   * size) count towards a window's cycles, shorter ones (an input batch's end) only to its rows and
   * time.
   */
  public synchronized void cycled(Shape ranAs, int rows, int asked, long nanos) {
    if (settled || ranAs != shape || rows > asked) {
      // a call that began in the shape before, or was sized before the size last changed
      return;
    }
    boolean full = 2L * rows >= asked;
    // the first window's first cycles meet the query's start; each window's first, the switch
    if (++samples <= (window == 0 ? BatchSizer.WARM_UP_CYCLES : 1)) {
      return;
    }
    timedRows[shape.ordinal()] += rows;
    timedNanos[shape.ordinal()] += Math.max(1, nanos);
    largestCall[shape.ordinal()] = Math.max(largestCall[shape.ordinal()], rows);
    windowRows += rows;
    windowNanos += Math.max(1, nanos);
    fullCycles += full ? 1 : 0;
    if (fullCycles < WINDOW_CYCLES || windowNanos < WINDOW_NANOS || windowRows < WINDOW_ROWS) {
      return;
    }
    // a first shared window below 90% of the tasks' own is a clear loss: no second look
    boolean clearLoss =
        window == 1 && rate(Shape.SHARED) < rate(Shape.TASK) * BatchSizer.CLEAR_LOSS;
    if (++window < WINDOWS.length && !clearLoss) {
      shape = WINDOWS[window];
      samples = 0;
      fullCycles = 0;
      windowRows = 0;
      windowNanos = 0;
      return;
    }
    double task = rate(Shape.TASK);
    double shared = rate(Shape.SHARED);
    shape = shared >= task * BatchSizer.MIN_GAIN ? Shape.SHARED : Shape.TASK;
    settled = true;
    LOG.info(
        "Model {}: runs {} (rows/s a task: each task's calls of up to {} rows on its own cores {},"
            + " the tasks' calls of up to {} rows in turn on {} threads {})",
        model,
        shape == Shape.SHARED
            ? "its tasks' calls in turn, each on all their cores"
            : "each task's calls on its own cores",
        largestCall[Shape.TASK.ordinal()],
        String.format("%,.0f", task),
        largestCall[Shape.SHARED.ordinal()],
        sharedThreads,
        String.format("%,.0f", shared));
  }

  private double rate(Shape which) {
    return timedRows[which.ordinal()] / (timedNanos[which.ordinal()] / 1e9);
  }

  /** A call's turn: the shape it runs in and the threads it runs on. */
  public final class Turn implements AutoCloseable {
    private final Shape shape;
    private final int threads;

    private Turn(Shape shape, int threads) {
      this.shape = shape;
      this.threads = threads;
    }

    public Shape shape() {
      return shape;
    }

    public int threads() {
      return threads;
    }

    @Override
    public void close() {
      if (shape == Shape.SHARED) {
        turns.unlock();
      }
    }
  }
}
