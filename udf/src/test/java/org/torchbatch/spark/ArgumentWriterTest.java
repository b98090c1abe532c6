package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Rows of number arrays reach Arrow as Spark's own ArrowWriter would write them. */
class ArgumentWriterTest {
  private static final StructType SCHEMA =
      new StructType()
          .add("f", DataTypes.createArrayType(DataTypes.FloatType, true), true)
          .add("l", DataTypes.createArrayType(DataTypes.LongType, false), false);

  @Test
  void arraysOfNumbersAreCopiedPerRowWithNullsKept() {
    UnsafeProjection unsafe = UnsafeProjection.create(SCHEMA);
    Object[][] rows = {
      {new GenericArrayData(new Object[] {1f, 2f, 3f}), longs(10, 11)},
      {null, longs(12)},
      {new GenericArrayData(new Object[] {4f, null}), longs()},
      {new GenericArrayData(new Object[] {5f}), longs(13, 14, 15)}
    };
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = ArrowInputs.root(SCHEMA, "UTC", allocator)) {
      ArgumentWriter writer = ArgumentWriter.forRoot(root, SCHEMA);
      for (int batch = 0; batch < 2; batch++) {
        // the second batch, in the other order, reuses the vectors: a row or element that was
        // null in the first must come out with its own value, and the other way round
        List<Object[]> batchRows = new ArrayList<>(Arrays.asList(rows));
        if (batch == 1) {
          java.util.Collections.reverse(batchRows);
        }
        writer.reset();
        for (Object[] row : batchRows) {
          writer.write(unsafe.apply(new GenericInternalRow(row)));
        }
        writer.finish();
        assertThat(root.getRowCount()).isEqualTo(4);
        for (int r = 0; r < batchRows.size(); r++) {
          for (int f = 0; f < 2; f++) {
            ListVector vector = (ListVector) root.getVector(f);
            GenericArrayData expected = (GenericArrayData) batchRows.get(r)[f];
            if (expected == null) {
              assertThat(vector.isNull(r)).isTrue();
            } else {
              assertThat(values(vector, r)).containsExactly(expected.array());
            }
          }
        }
      }
    }
  }

  @Test
  void argumentsAreReadInPlaceFromTheFieldsOfWiderRows() {
    StructType wide =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("l", DataTypes.createArrayType(DataTypes.LongType, false), false)
            .add("f", DataTypes.createArrayType(DataTypes.FloatType, true), true);
    UnsafeProjection unsafe = UnsafeProjection.create(wide);
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = ArrowInputs.root(SCHEMA, "UTC", allocator)) {
      ArgumentWriter writer = ArgumentWriter.fromFields(root, SCHEMA, new int[] {2, 1});
      writer.reset();
      writer.write(
          unsafe.apply(
              new GenericInternalRow(
                  new Object[] {
                    7L, longs(10, 11), new GenericArrayData(new Object[] {1f, null})
                  })));
      writer.write(unsafe.apply(new GenericInternalRow(new Object[] {8L, longs(), null})));
      writer.finish();
      assertThat(values((ListVector) root.getVector("f"), 0)).containsExactly(1f, null);
      assertThat(root.getVector("f").isNull(1)).isTrue();
      assertThat(values((ListVector) root.getVector("l"), 0)).containsExactly(10L, 11L);
      assertThat(values((ListVector) root.getVector("l"), 1)).isEmpty();
    }
  }

  @Test
  void onlyArraysOfNumbersAreReadInPlace() {
    StructType scalars = new StructType().add("d", DataTypes.DoubleType, false);
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = ArrowInputs.root(scalars, "UTC", allocator)) {
      assertThat(ArgumentWriter.fromFields(root, scalars, new int[] {0})).isNull();
    }
  }

  @Test
  void otherTypesGoThroughSparksWriter() {
    StructType scalars = new StructType().add("d", DataTypes.DoubleType, false);
    try (BufferAllocator allocator = new RootAllocator();
        VectorSchemaRoot root = ArrowInputs.root(scalars, "UTC", allocator)) {
      ArgumentWriter writer = ArgumentWriter.forRoot(root, scalars);
      writer.reset();
      writer.write(
          UnsafeProjection.create(scalars).apply(new GenericInternalRow(new Object[] {2.5})));
      writer.finish();
      assertThat(root.getVector("d").getObject(0)).isEqualTo(2.5);
    }
  }

  private static List<Object> values(ListVector vector, int row) {
    return new ArrayList<>(vector.getObject(row));
  }

  private static GenericArrayData longs(long... values) {
    return new GenericArrayData(Arrays.stream(values).boxed().toArray());
  }
}
