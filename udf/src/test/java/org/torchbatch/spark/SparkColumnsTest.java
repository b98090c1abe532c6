package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Array columns reach Arrow with the same values from on-heap and off-heap Spark vectors, batch
 * after batch through the kept buffers; the allocator closing checks nothing leaked.
 */
class SparkColumnsTest {
  private static final ArrayType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, false);
  private static final ArrayType INTS = DataTypes.createArrayType(DataTypes.IntegerType, false);

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void arrayValuesArriveInOrder(boolean offHeap) {
    int rows = 5;
    int width = 4;
    try (BufferAllocator allocator = new RootAllocator();
        WritableColumnVector arrays =
            offHeap
                ? new OffHeapColumnVector(rows, FLOATS)
                : new OnHeapColumnVector(rows, FLOATS)) {
      // a reader that already consumed one row of the batch's values: offsets start past zero
      arrays.arrayData().reserve((rows + 1) * width);
      for (int i = 0; i < (rows + 1) * width; i++) {
        arrays.arrayData().putFloat(i, i);
      }
      for (int r = 0; r < rows; r++) {
        arrays.putArray(r, (r + 1) * width, width);
      }
      try (SparkColumns columns = new SparkColumns(allocator);
          FieldVector vector = columns.toArrow(0, "x", arrays, FLOATS, rows)) {
        ListVector list = (ListVector) vector;
        assertThat(list.getValueCount()).isEqualTo(rows);
        for (int r = 0; r < rows; r++) {
          assertThat(list.getObject(r)).hasSize(width).first().isEqualTo((float) ((r + 1) * width));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void keptBuffersCarryEachBatchsOwnValues(boolean offHeap) {
    int width = 3;
    try (BufferAllocator allocator = new RootAllocator();
        SparkColumns columns = new SparkColumns(allocator)) {
      // growing then shrinking batches: the kept buffer is replaced, then reused
      for (int rows : new int[] {2, 6, 3}) {
        try (WritableColumnVector arrays =
            offHeap ? new OffHeapColumnVector(rows, INTS) : new OnHeapColumnVector(rows, INTS)) {
          arrays.arrayData().reserve(rows * width);
          for (int i = 0; i < rows * width; i++) {
            arrays.arrayData().putInt(i, rows * 100 + i);
          }
          for (int r = 0; r < rows; r++) {
            arrays.putArray(r, r * width, width);
          }
          try (FieldVector vector = columns.toArrow(0, "x", arrays, INTS, rows)) {
            ListVector list = (ListVector) vector;
            for (int r = 0; r < rows; r++) {
              assertThat(list.getObject(r))
                  .isEqualTo(
                      List.of(
                          rows * 100 + r * width,
                          rows * 100 + r * width + 1,
                          rows * 100 + r * width + 2));
            }
          }
        }
      }
    }
  }

  @Test
  void onHeapValuesAreReadFromSparksArray() {
    try (OnHeapColumnVector floats = new OnHeapColumnVector(4, DataTypes.FloatType)) {
      for (int i = 0; i < 4; i++) {
        floats.putFloat(i, i * 1.5f);
      }
      ByteBuffer target = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      // false would mean this Spark renamed the field: batches would be copied twice
      assertThat(OnHeapArrays.copy(floats, 2, target)).isTrue();
      assertThat(target.getFloat(0)).isEqualTo(3f);
      assertThat(target.getFloat(4)).isEqualTo(4.5f);
    }
  }
}
