package org.torchbatch.spark;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.TransferPair;
import org.apache.arrow.vector.util.VectorAppender;

/** Prediction vectors made from others: all-null ones, and two joined end to end. */
final class PredictionVectors {
  private PredictionVectors() {}

  /** {@code rows} nulls of {@code field}'s type; the caller closes the vector. */
  static FieldVector nulls(Field field, int rows, BufferAllocator allocator) {
    FieldVector vector = field.createVector(allocator);
    vector.allocateNew();
    vector.setValueCount(rows);
    return vector;
  }

  /**
   * A new vector with {@code head}'s rows then {@code tail}'s (rare: only after a batch was split);
   * {@code head}'s buffers move into it.
   */
  static FieldVector concat(FieldVector head, FieldVector tail, BufferAllocator allocator) {
    TransferPair pair = head.getTransferPair(allocator);
    pair.transfer();
    FieldVector joined = (FieldVector) pair.getTo();
    try {
      tail.accept(new VectorAppender(joined), null);
      return joined;
    } catch (RuntimeException e) {
      joined.close();
      throw e;
    }
  }
}
