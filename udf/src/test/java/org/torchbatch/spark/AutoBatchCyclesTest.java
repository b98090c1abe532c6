package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.spark.testing.SparkTestBase;

/** {@code auto} sizes a task's calls by their cycles: the work between them counts. */
class AutoBatchCyclesTest extends SparkTestBase {

  @Test
  void workAroundTheCallsThatGrowsFasterThanTheRowsSendsAutoDown() throws Exception {
    // between calls the task spends rows^2 ns (its batches leaving the CPU's caches): 4 us a row
    // at 4096 rows a call, 0.25 us at 256, while the model alone runs fastest on big calls (timed
    // alone, the calls settle at 1024 rows or more)
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    PreparedModel model = LinearTask.prepare("cycles", "auto", hadoop);
    Learned.forget();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot input = LinearTask.input(allocator);
        ModelBatchRunner runner =
            new ModelBatchRunner(model, hadoop, allocator, 1, List.of(), NoMetrics.INSTANCE)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      int from = 0;
      while (!Learned.sizer(model, DeviceSpec.CPU).settled() && System.nanoTime() < deadline) {
        int rows = Math.min(runner.batchRows(), LinearTask.INPUT_ROWS - from);
        try (VectorSchemaRoot slice = input.slice(from, rows);
            FieldVector predictions = runner.run(slice)) {
          assertThat(predictions.getValueCount()).isEqualTo(rows);
        }
        from = (from + rows) % LinearTask.INPUT_ROWS;
        LinearTask.spin((long) rows * rows);
      }
      assertThat(Learned.sizer(model, DeviceSpec.CPU).settled()).isTrue();
      assertThat(runner.batchRows()).isLessThanOrEqualTo(512);
    } finally {
      Learned.forget();
    }
  }
}
