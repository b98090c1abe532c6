package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Array columns reach Arrow with the same values from on-heap and off-heap Spark vectors. */
class SparkColumnsTest {
  private static final ArrayType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, false);

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
      try (FieldVector vector = SparkColumns.toArrow("x", arrays, FLOATS, rows, allocator)) {
        ListVector list = (ListVector) vector;
        assertThat(list.getValueCount()).isEqualTo(rows);
        for (int r = 0; r < rows; r++) {
          assertThat(list.getObject(r)).hasSize(width).first().isEqualTo((float) ((r + 1) * width));
        }
      }
    }
  }
}
