package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

/** {@code auto} sizes a task's calls by their cycles: the work between them counts. */
class AutoBatchCyclesTest extends SparkTestBase {
  private static final StructType SCHEMA =
      new StructType().add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);
  private static final int INPUT_ROWS = 4096;

  @Test
  void workAroundTheCallsThatGrowsFasterThanTheRowsSendsAutoDown() throws Exception {
    // between calls the task spends rows^2 ns (its batches leaving the CPU's caches): 4 us a row
    // at 4096 rows a call, 0.25 us at 256, while the model alone runs fastest on big calls (timed
    // alone, the calls settle at 1024 rows or more)
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ModelConfig config =
        ModelConfig.parse(
            "cycles",
            Map.of(
                ModelConfig.PREFIX + "cycles.path",
                Fixtures.archive("linear_traced").toString(),
                ModelConfig.PREFIX + "cycles.shapes",
                "4",
                ModelConfig.PREFIX + "cycles.batchSize",
                "auto"));
    PreparedModel model =
        ModelInspector.prepare(
            config, List.of("x"), List.of(SCHEMA.fields()[0].dataType()), hadoop);
    Learned.forget();
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot input = input(allocator);
        ModelBatchRunner runner =
            new ModelBatchRunner(model, hadoop, allocator, 1, List.of(), NoMetrics.INSTANCE)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      int from = 0;
      while (!Learned.sizer(model, DeviceSpec.CPU).settled() && System.nanoTime() < deadline) {
        int rows = Math.min(runner.batchRows(), INPUT_ROWS - from);
        try (VectorSchemaRoot slice = input.slice(from, rows);
            FieldVector predictions = runner.run(slice)) {
          assertThat(predictions.getValueCount()).isEqualTo(rows);
        }
        from = (from + rows) % INPUT_ROWS;
        spin((long) rows * rows);
      }
      assertThat(Learned.sizer(model, DeviceSpec.CPU).settled()).isTrue();
      assertThat(runner.batchRows()).isLessThanOrEqualTo(512);
    } finally {
      Learned.forget();
    }
  }

  private static VectorSchemaRoot input(BufferAllocator allocator) {
    VectorSchemaRoot root = ArrowInputs.root(SCHEMA, "UTC", allocator);
    ArgumentWriter writer = ArgumentWriter.forRoot(root, SCHEMA);
    UnsafeProjection unsafe = UnsafeProjection.create(SCHEMA);
    writer.reset();
    for (int r = 0; r < INPUT_ROWS; r++) {
      Object[] values = {r * 0.25f, 1f, -1f, r % 7f};
      writer.write(
          unsafe.apply(new GenericInternalRow(new Object[] {new GenericArrayData(values)})));
    }
    writer.finish();
    return root;
  }

  /** Busy for {@code nanos}, as work on the task's thread would be. */
  private static void spin(long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }
}
