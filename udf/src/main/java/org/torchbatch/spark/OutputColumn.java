package org.torchbatch.spark;

import java.nio.ByteOrder;
import java.util.List;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.spark.sql.vectorized.ArrowColumnVector;
import org.apache.spark.sql.vectorized.ColumnarArray;
import org.apache.spark.unsafe.Platform;

/**
 * A model's output column as Spark reads it, straight from the Arrow buffers it was decoded into:
 * numbers of 1 to 8 bytes, lists and structs of them. Spark's {@link ArrowColumnVector}, which
 * every other type keeps, checks bounds and reference counts on each element it reads (a cost that
 * grows with the output's width, docs/performance.md). The buffers are final once decoded, and the
 * predict operator closes the vector only after every row read from it was projected.
 */
final class OutputColumn extends ArrowColumnVector {
  private static final List<Class<?>> NUMBERS =
      List.of(
          TinyIntVector.class,
          SmallIntVector.class,
          IntVector.class,
          BigIntVector.class,
          Float4Vector.class,
          Float8Vector.class);

  private final long validity;
  // a number's values, or a list's offsets
  private final long data;
  private final OutputColumn elements;
  private final OutputColumn[] fields;

  /** A column over {@code vector}: this kind where its type allows, else Spark's own. */
  static ArrowColumnVector of(ValueVector vector) {
    return readable(vector) ? new OutputColumn(vector) : new ArrowColumnVector(vector);
  }

  private static boolean readable(ValueVector vector) {
    // Arrow's buffers are little-endian, Platform reads in the machine's order
    if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
      return false;
    }
    if (vector instanceof ListVector list) {
      return readable(list.getDataVector());
    }
    if (vector instanceof StructVector struct) {
      return struct.getChildrenFromFields().stream().allMatch(OutputColumn::readable);
    }
    return NUMBERS.contains(vector.getClass());
  }

  private OutputColumn(ValueVector vector) {
    super(vector);
    if (vector instanceof ListVector list) {
      validity = list.getValidityBufferAddress();
      data = list.getOffsetBufferAddress();
      elements = new OutputColumn(list.getDataVector());
      fields = null;
    } else if (vector instanceof StructVector struct) {
      validity = struct.getValidityBufferAddress();
      data = 0;
      elements = null;
      fields =
          struct.getChildrenFromFields().stream()
              .map(OutputColumn::new)
              .toArray(OutputColumn[]::new);
    } else {
      BaseFixedWidthVector numbers = (BaseFixedWidthVector) vector;
      validity = numbers.getValidityBufferAddress();
      data = numbers.getDataBufferAddress();
      elements = null;
      fields = null;
    }
  }

  @Override
  public boolean isNullAt(int rowId) {
    return (Platform.getByte(null, validity + (rowId >> 3)) & (1 << (rowId & 7))) == 0;
  }

  @Override
  public byte getByte(int rowId) {
    return Platform.getByte(null, data + rowId);
  }

  @Override
  public short getShort(int rowId) {
    return Platform.getShort(null, data + 2L * rowId);
  }

  @Override
  public int getInt(int rowId) {
    return Platform.getInt(null, data + 4L * rowId);
  }

  @Override
  public long getLong(int rowId) {
    return Platform.getLong(null, data + 8L * rowId);
  }

  @Override
  public float getFloat(int rowId) {
    return Platform.getFloat(null, data + 4L * rowId);
  }

  @Override
  public double getDouble(int rowId) {
    return Platform.getDouble(null, data + 8L * rowId);
  }

  @Override
  public ColumnarArray getArray(int rowId) {
    int start = Platform.getInt(null, data + 4L * rowId);
    int end = Platform.getInt(null, data + 4L * (rowId + 1));
    return new ColumnarArray(elements, start, end - start);
  }

  @Override
  public ArrowColumnVector getChild(int ordinal) {
    return fields[ordinal];
  }
}
