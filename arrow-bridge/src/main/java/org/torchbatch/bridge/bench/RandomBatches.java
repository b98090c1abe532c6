package org.torchbatch.bridge.bench;

import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/** Columns of random numbers in the layouts Spark and Parquet hand over, for benchmarks. */
final class RandomBatches {
  private final BufferAllocator allocator;
  private final Random random = new Random(11);

  RandomBatches(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  /**
   * A {@code list<float>} column of {@code rows} rows of {@code width} values (Spark's ArrayType).
   */
  ListVector floatList(String name, int rows, int width) {
    ListVector list = ListVector.empty(name, allocator);
    list.addOrGetVector(
        FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    list.setInitialCapacity(rows);
    list.allocateNew();
    Float4Vector child = (Float4Vector) list.getDataVector();
    child.allocateNew(rows * width);
    for (int r = 0; r < rows; r++) {
      list.getOffsetBuffer().setInt(r * 4L, r * width);
      list.setNotNull(r);
      for (int i = 0; i < width; i++) {
        child.set(r * width + i, (float) random.nextGaussian());
      }
    }
    list.getOffsetBuffer().setInt(rows * 4L, rows * width);
    child.setValueCount(rows * width);
    list.setLastSet(rows - 1);
    list.setValueCount(rows);
    return list;
  }

  FixedSizeListVector fixedFloatList(String name, int rows, int width) {
    FixedSizeListVector list = FixedSizeListVector.empty(name, width, allocator);
    list.addOrGetVector(
        FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    list.setInitialCapacity(rows);
    list.allocateNew();
    Float4Vector child = (Float4Vector) list.getDataVector();
    child.allocateNew(rows * width);
    for (int r = 0; r < rows; r++) {
      list.setNotNull(r);
      for (int i = 0; i < width; i++) {
        child.set(r * width + i, (float) random.nextGaussian());
      }
    }
    child.setValueCount(rows * width);
    list.setValueCount(rows);
    return list;
  }

  ListVector longList(String name, int rows, int width) {
    ListVector list = ListVector.empty(name, allocator);
    list.addOrGetVector(FieldType.nullable(new ArrowType.Int(64, true)));
    list.setInitialCapacity(rows);
    list.allocateNew();
    BigIntVector child = (BigIntVector) list.getDataVector();
    child.allocateNew(rows * width);
    for (int r = 0; r < rows; r++) {
      list.getOffsetBuffer().setInt(r * 4L, r * width);
      list.setNotNull(r);
      for (int i = 0; i < width; i++) {
        child.set(r * width + i, random.nextInt(30000));
      }
    }
    list.getOffsetBuffer().setInt(rows * 4L, rows * width);
    child.setValueCount(rows * width);
    list.setLastSet(rows - 1);
    list.setValueCount(rows);
    return list;
  }

  FieldVector floats(String name, int rows) {
    Float4Vector vector = new Float4Vector(name, allocator);
    vector.allocateNew(rows);
    for (int r = 0; r < rows; r++) {
      vector.set(r, (float) random.nextGaussian());
    }
    vector.setValueCount(rows);
    return vector;
  }
}
