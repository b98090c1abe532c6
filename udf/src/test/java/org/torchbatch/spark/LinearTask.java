package org.torchbatch.spark;

import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.torchbatch.runtime.testing.Fixtures;

/**
 * linear_traced prepared for runners that tests drive as a task would, without Spark's operator:
 * the model, a batch of its input, and work between calls.
 */
final class LinearTask {
  static final int INPUT_ROWS = 4096;
  private static final StructType SCHEMA =
      new StructType().add("x", DataTypes.createArrayType(DataTypes.FloatType, false), false);

  private LinearTask() {}

  /** linear_traced as model {@code name}, at {@code batchSize}. */
  static PreparedModel prepare(String name, String batchSize, Configuration hadoop) {
    ModelConfig config =
        ModelConfig.parse(
            name,
            Map.of(
                ModelConfig.PREFIX + name + ".path",
                Fixtures.archive("linear_traced").toString(),
                ModelConfig.PREFIX + name + ".shapes",
                "4",
                ModelConfig.PREFIX + name + ".batchSize",
                batchSize));
    return ModelInspector.prepare(
        config, List.of("x"), List.of(SCHEMA.fields()[0].dataType()), hadoop);
  }

  /** {@link #INPUT_ROWS} rows of four floats, as the operator hands them to a runner. */
  static VectorSchemaRoot input(BufferAllocator allocator) {
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
  static void spin(long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() < until) {
      Thread.onSpinWait();
    }
  }
}
