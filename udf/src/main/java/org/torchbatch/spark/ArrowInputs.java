package org.torchbatch.spark;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.ArrowUtils;

/** Arrow batches for a call's arguments, from memory of the task's allocator. */
final class ArrowInputs {
  private ArrowInputs() {}

  static VectorSchemaRoot root(StructType schema, String timeZone, BufferAllocator allocator) {
    return VectorSchemaRoot.create(
        ArrowUtils.toArrowSchema(schema, timeZone, true, false), allocator);
  }

  /** A child of Spark's Arrow root allocator, so Spark's accounting sees torchbatch's buffers. */
  static BufferAllocator taskAllocator(String name) {
    return ArrowUtils.rootAllocator().newChildAllocator(name, 0, Long.MAX_VALUE);
  }
}
