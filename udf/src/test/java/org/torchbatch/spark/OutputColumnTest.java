package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.Test;

/**
 * Output columns read from Arrow's buffers give Spark what its own ArrowColumnVector gives, null
 * rows, empty lists and every number width included; closing them frees everything.
 */
class OutputColumnTest {
  private static final int ROWS = 11;

  @Test
  void listsOfFloatsReadAsSparkReadsThem() {
    try (BufferAllocator allocator = new RootAllocator()) {
      ListVector lists = ListVector.empty("prediction", allocator);
      UnionListWriter writer = lists.getWriter();
      for (int r = 0; r < ROWS; r++) {
        writer.setPosition(r);
        if (r == 3) {
          continue;
        }
        writer.startList();
        for (int i = 0; i < r % 4; i++) {
          writer.float4().writeFloat4(r * 10 + i + 0.5f);
        }
        writer.endList();
      }
      lists.setValueCount(ROWS);
      ArrowColumnVector column = OutputColumn.of(lists);
      assertThat(column).isInstanceOf(OutputColumn.class);
      ArrowColumnVector reference = new ArrowColumnVector(lists);
      for (int r = 0; r < ROWS; r++) {
        assertThat(column.isNullAt(r)).as("row %d", r).isEqualTo(reference.isNullAt(r));
        if (!reference.isNullAt(r)) {
          ColumnarArray got = column.getArray(r);
          assertThat(got.toFloatArray()).isEqualTo(reference.getArray(r).toFloatArray());
          for (int i = 0; i < got.numElements(); i++) {
            assertThat(got.isNullAt(i)).isFalse();
          }
        }
      }
      column.close();
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void structsOfEveryNumberWidthReadAsSparkReadsThem() {
    try (BufferAllocator allocator = new RootAllocator()) {
      StructVector struct = StructVector.empty("prediction", allocator);
      TinyIntVector bytes =
          struct.addOrGet("b", FieldType.nullable(new ArrowType.Int(8, true)), TinyIntVector.class);
      SmallIntVector shorts =
          struct.addOrGet(
              "s", FieldType.nullable(new ArrowType.Int(16, true)), SmallIntVector.class);
      IntVector ints =
          struct.addOrGet("i", FieldType.nullable(new ArrowType.Int(32, true)), IntVector.class);
      BigIntVector longs =
          struct.addOrGet("l", FieldType.nullable(new ArrowType.Int(64, true)), BigIntVector.class);
      Float8Vector doubles =
          struct.addOrGet(
              "d",
              FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
              Float8Vector.class);
      struct.allocateNew();
      for (int r = 0; r < ROWS; r++) {
        if (r == 5) {
          struct.setNull(r);
          continue;
        }
        struct.setIndexDefined(r);
        bytes.setSafe(r, (byte) (r - 6));
        shorts.setSafe(r, (short) (r * 1000 - 3000));
        if (r != 2) {
          ints.setSafe(r, r * 100_000 - 7);
        }
        longs.setSafe(r, (long) r << 40);
        doubles.setSafe(r, r / 3.0);
      }
      struct.setValueCount(ROWS);
      for (var child : List.of(bytes, shorts, ints, longs, doubles)) {
        child.setValueCount(ROWS);
      }
      ArrowColumnVector column = OutputColumn.of(struct);
      assertThat(column).isInstanceOf(OutputColumn.class);
      ArrowColumnVector reference = new ArrowColumnVector(struct);
      DataType[] types = {
        DataTypes.ByteType,
        DataTypes.ShortType,
        DataTypes.IntegerType,
        DataTypes.LongType,
        DataTypes.DoubleType
      };
      ColumnarBatch got = new ColumnarBatch(new ColumnVector[] {column}, ROWS);
      ColumnarBatch want = new ColumnarBatch(new ColumnVector[] {reference}, ROWS);
      for (int r = 0; r < ROWS; r++) {
        InternalRow gotRow = got.getRow(r);
        InternalRow wantRow = want.getRow(r);
        assertThat(gotRow.isNullAt(0)).as("row %d", r).isEqualTo(wantRow.isNullAt(0));
        if (!wantRow.isNullAt(0)) {
          for (int f = 0; f < types.length; f++) {
            assertThat(gotRow.getStruct(0, types.length).get(f, types[f]))
                .as("row %d field %d", r, f)
                .isEqualTo(wantRow.getStruct(0, types.length).get(f, types[f]));
          }
        }
      }
      column.close();
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  @Test
  void otherTypesKeepSparksOwnColumn() {
    try (BufferAllocator allocator = new RootAllocator();
        VarCharVector strings = new VarCharVector("label", allocator);
        Float4Vector floats = new Float4Vector("score", allocator)) {
      assertThat(OutputColumn.of(strings)).isNotInstanceOf(OutputColumn.class);
      assertThat(OutputColumn.of(floats)).isInstanceOf(OutputColumn.class);
    }
  }
}
