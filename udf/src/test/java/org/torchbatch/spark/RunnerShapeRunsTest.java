package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.RunnerShape;
import org.torchbatch.runtime.engine.RunnerShape.Shape;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

/**
 * The executor's tasks calling one model in turn on all their cores, or each on its own: the same
 * predictions, and {@code auto} picks the shape whose cycles run faster.
 */
class RunnerShapeRunsTest extends SparkTestBase {
  private static final int TASKS = 2;

  @Test
  void sharedRunnersGiveEveryRowThePredictionsOfTheTasksOwn() {
    for (String shape : List.of("task", "shared")) {
      declare("mlp" + shape, "path", Fixtures.archive("mlp_small").toString());
      declare("mlp" + shape, "batchSize", "256");
      declare("mlp" + shape, "runners", shape);
    }
    String rows =
        "SELECT id, transform(sequence(0, 511), i -> CAST(sin(id * 512 + i) AS FLOAT)) AS x"
            + " FROM range(0, 20000, 1, 2)";
    List<Row> task =
        spark
            .sql("SELECT id, predict('mlptask', x) FROM (" + rows + ") ORDER BY id")
            .collectAsList();
    List<Row> shared =
        spark
            .sql("SELECT id, predict('mlpshared', x) FROM (" + rows + ") ORDER BY id")
            .collectAsList();
    // bit for bit, on two threads as on one
    assertThat(shared).hasSize(20000).isEqualTo(task);
  }

  @Test
  void autoRunsSharedWhereTheTasksCyclesRunFasterSo() throws Exception {
    // per task, each cycle also spends 10 ms (the tasks' own calls fighting for the caches): far
    // more than a turn costs, threads handed over and libtorch's idle threads spinning included
    assertThat(settle("256", Shape.TASK)).isEqualTo(Shape.SHARED);
  }

  @Test
  void aSharedCallTakesBothTasksRowsWhereTheBatchSizeWasLearnedPerTask() throws Exception {
    // a shared call asks both tasks' rows, no more than the largest size the search measured
    // short of a clear loss (settle checks which), and the trial ends on the faster shape
    assertThat(settle("auto", Shape.TASK)).isEqualTo(Shape.SHARED);
  }

  @Test
  void autoKeepsATaskEachWhereTakingTurnsIsSlower() throws Exception {
    assertThat(settle("256", Shape.SHARED)).isEqualTo(Shape.TASK);
  }

  /**
   * Two tasks' runners on linear_traced at {@code batchSize}, each spending 10 ms more a cycle
   * while the model runs in {@code slower}, until {@code auto} settles its shape: the shape it
   * settled on, after checking the rows a shared call asked for: both tasks' where the size is
   * learned.
   */
  private Shape settle(String batchSize, Shape slower) throws Exception {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    PreparedModel model = LinearTask.prepare("shapes", batchSize, hadoop);
    Learned.forget();
    RunnerShape shape = Learned.shape(model, DeviceSpec.CPU);
    ExecutorService tasks = Executors.newFixedThreadPool(TASKS);
    try (BufferAllocator allocator = new RootAllocator()) {
      List<Future<Integer>> running = new ArrayList<>();
      for (int t = 0; t < TASKS; t++) {
        running.add(tasks.submit(() -> runUntilSettled(model, hadoop, allocator, shape, slower)));
      }
      int sharedRows = 0;
      for (Future<Integer> task : running) {
        sharedRows = Math.max(sharedRows, task.get(120, TimeUnit.SECONDS));
      }
      assertThat(shape.settled()).isTrue();
      BatchSizer sizer = Learned.sizer(model, DeviceSpec.CPU);
      assertThat(sharedRows)
          .isEqualTo(
              BatchSizer.isAuto(batchSize)
                  ? Math.min(sizer.rows() * TASKS, sizer.largestFit())
                  : sizer.rows());
      return shape.shape();
    } finally {
      tasks.shutdownNow();
      Learned.forget();
    }
  }

  /** The most rows the runner asked for a shared call. */
  private static int runUntilSettled(
      PreparedModel model,
      Configuration hadoop,
      BufferAllocator allocator,
      RunnerShape shape,
      Shape slower) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    try (BufferAllocator child = allocator.newChildAllocator("task", 0, Long.MAX_VALUE);
        VectorSchemaRoot input = LinearTask.input(child);
        ModelBatchRunner runner =
            new ModelBatchRunner(model, hadoop, child, 1, List.of(), NoMetrics.INSTANCE)) {
      int from = 0;
      int sharedRows = 0;
      while (!shape.settled() && System.nanoTime() < deadline) {
        Shape ranAs = shape.shape();
        int asked = runner.batchRows();
        sharedRows = ranAs == Shape.SHARED ? Math.max(sharedRows, asked) : sharedRows;
        int rows = Math.min(asked, LinearTask.INPUT_ROWS - from);
        try (VectorSchemaRoot slice = input.slice(from, rows);
            FieldVector predictions = runner.run(slice)) {
          assertThat(predictions.getValueCount()).isEqualTo(rows);
        }
        from = (from + rows) % LinearTask.INPUT_ROWS;
        if (ranAs == slower) {
          LinearTask.spin(10_000_000L);
        }
      }
      return sharedRows;
    }
  }
}
