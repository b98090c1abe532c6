package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.engine.RunnerShape.Shape;

class RunnerShapeTest {
  private static final int ROWS = 4096;

  /** Reports calls of {@code ROWS} rows whose cycles run at {@code rowsPerSecond} until settled. */
  private static List<Shape> runUntilSettled(
      RunnerShape shape, ToDoubleFunction<Shape> rowsPerSecond) {
    List<Shape> windows = new ArrayList<>();
    for (int call = 0; call < 10_000 && !shape.settled(); call++) {
      Shape now = shape.shape();
      if (windows.isEmpty() || windows.get(windows.size() - 1) != now) {
        windows.add(now);
      }
      shape.cycled(now, ROWS, ROWS, (long) (ROWS / rowsPerSecond.applyAsDouble(now) * 1e9));
    }
    return windows;
  }

  @Test
  void fixedShapesNeverMove() {
    RunnerShape task = RunnerShape.of("m", "task", false);
    RunnerShape shared = RunnerShape.of("m", "Shared", false);
    for (int call = 0; call < 1000; call++) {
      task.cycled(Shape.TASK, ROWS, ROWS, 1_000_000_000L);
      shared.cycled(Shape.SHARED, ROWS, ROWS, 1_000_000_000L);
    }
    assertThat(task.settled()).isTrue();
    assertThat(task.shape()).isEqualTo(Shape.TASK);
    assertThat(shared.shape()).isEqualTo(Shape.SHARED);
    assertThatThrownBy(() -> RunnerShape.of("m", "executor", false))
        .isInstanceOf(TorchbatchException.class)
        .hasMessageContaining("auto, task or shared");
  }

  @Test
  void autoMeasuresBothShapesTaskSharedSharedTaskAndRunsSharedWhereItIsClearlyFaster() {
    RunnerShape shape = new RunnerShape("m", null, 8, false);
    assertThat(shape.shape()).isEqualTo(Shape.TASK);
    List<Shape> windows = runUntilSettled(shape, s -> s == Shape.SHARED ? 60_000.0 : 50_000.0);
    assertThat(windows).containsExactly(Shape.TASK, Shape.SHARED, Shape.TASK);
    assertThat(shape.settled()).isTrue();
    assertThat(shape.shape()).isEqualTo(Shape.SHARED);
  }

  @Test
  void aSharedShapeWithinFivePercentLosesToTheTasksOwnRunners() {
    // a turn costs a lock and threads that wait: shared must gain clearly
    RunnerShape shape = new RunnerShape("m", null, 8, false);
    runUntilSettled(shape, s -> s == Shape.SHARED ? 52_000.0 : 50_000.0);
    assertThat(shape.shape()).isEqualTo(Shape.TASK);
    RunnerShape slower = new RunnerShape("m", null, 8, false);
    List<Shape> windows = runUntilSettled(slower, s -> s == Shape.SHARED ? 44_000.0 : 50_000.0);
    assertThat(slower.shape()).isEqualTo(Shape.TASK);
    // below 90%: a clear loss, settled after one shared window
    assertThat(windows).containsExactly(Shape.TASK, Shape.SHARED);
    RunnerShape close = new RunnerShape("m", null, 8, false);
    assertThat(runUntilSettled(close, s -> s == Shape.SHARED ? 46_000.0 : 50_000.0))
        .containsExactly(Shape.TASK, Shape.SHARED, Shape.TASK);
  }

  @Test
  void aSharedCallTakesTheRowsOfEveryTaskItRunsForWhereTheSizeWasLearnedPerTask() {
    RunnerShape shape = new RunnerShape("m", null, 8, true);
    shape.join(1);
    shape.join(1);
    assertThat(shape.rows(1024, 1, 65_536)).isEqualTo(1024);
    runUntilSettled(shape, s -> s == Shape.SHARED ? 60_000.0 : 50_000.0);
    assertThat(shape.shape()).isEqualTo(Shape.SHARED);
    // two tasks' rows on their two cores: each thread's share as a task's own call
    assertThat(shape.rows(1024, 1, 65_536)).isEqualTo(2048);
    assertThat(shape.rows(1024, 1, 1500)).isEqualTo(1500);
    shape.join(2);
    // four joined CPUs over a task's two: twice its rows
    assertThat(shape.rows(1024, 2, 65_536)).isEqualTo(2048);
    // a fixed size is the user's: every shape's calls take it
    RunnerShape fixedSize = new RunnerShape("m", null, 8, false);
    fixedSize.join(1);
    fixedSize.join(1);
    runUntilSettled(fixedSize, s -> s == Shape.SHARED ? 60_000.0 : 50_000.0);
    assertThat(fixedSize.shape()).isEqualTo(Shape.SHARED);
    assertThat(fixedSize.rows(1024, 1, 65_536)).isEqualTo(1024);
    assertThat(RunnerShape.of("m", "shared", true).rows(1024, 1, 65_536)).isEqualTo(1024);
  }

  @Test
  void aWindowIsFiveFullCyclesAFifthOfASecondAndCallsOfTheShapeBeforeAreNotTimed() {
    RunnerShape shape = new RunnerShape("m", null, 8, false);
    // five untimed cycles as the query starts, then six full ones of 30 ms: not yet 0.2 s
    for (int call = 0; call < 11; call++) {
      shape.cycled(Shape.TASK, ROWS, ROWS, 30_000_000L);
    }
    assertThat(shape.shape()).isEqualTo(Shape.TASK);
    shape.cycled(Shape.TASK, ROWS, ROWS, 30_000_000L);
    assertThat(shape.shape()).isEqualTo(Shape.SHARED);
    // a call that began per task, ending after the switch, says nothing of shared
    for (int call = 0; call < 100; call++) {
      shape.cycled(Shape.TASK, ROWS, ROWS, 1L);
    }
    assertThat(shape.shape()).isEqualTo(Shape.SHARED);
    // short calls (an input batch's end) count in time and rows, not as the window's cycles
    for (int call = 0; call < 100; call++) {
      shape.cycled(Shape.SHARED, 100, ROWS, 100_000_000L);
    }
    assertThat(shape.shape()).isEqualTo(Shape.SHARED);
    // calls sized before the size last changed say nothing of this one
    for (int call = 0; call < 100; call++) {
      shape.cycled(Shape.SHARED, 2 * ROWS, ROWS, 100_000_000L);
    }
    assertThat(shape.shape()).isEqualTo(Shape.SHARED);
    // half the rows asked (input batches capping a shared call) are full calls
    for (int call = 0; call < 6; call++) {
      shape.cycled(Shape.SHARED, ROWS / 2, ROWS, 100_000_000L);
    }
    assertThat(shape.shape()).isEqualTo(Shape.TASK);
  }

  @Test
  void sharedCallsTakeTurnsOnTheCoresOfEveryTaskThatJoined() throws Exception {
    RunnerShape shape = RunnerShape.of("m", "shared", false);
    int cores = Runtime.getRuntime().availableProcessors();
    shape.join(1);
    shape.join(1);
    shape.join(1);
    try (RunnerShape.Turn turn = shape.enter(1)) {
      assertThat(turn.threads()).isEqualTo(Math.min(3, cores));
    }
    shape.leave(1);
    shape.leave(1);
    try (RunnerShape.Turn turn = shape.enter(1)) {
      assertThat(turn.threads()).isEqualTo(1);
    }
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService tasks = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int task = 0; task < 4; task++) {
        calls.add(
            tasks.submit(
                () -> {
                  start.await();
                  for (int call = 0; call < 200; call++) {
                    try (RunnerShape.Turn turn = shape.enter(1)) {
                      most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                      Thread.yield();
                      inside.decrementAndGet();
                    }
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> call : calls) {
        call.get(60, TimeUnit.SECONDS);
      }
    } finally {
      tasks.shutdownNow();
    }
    assertThat(most.get()).isEqualTo(1);
    RunnerShape perTask = RunnerShape.of("m", "task", false);
    perTask.join(2);
    perTask.join(2);
    try (RunnerShape.Turn turn = perTask.enter(2)) {
      assertThat(turn.threads()).isEqualTo(2);
    }
  }
}
