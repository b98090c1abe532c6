package org.torchbatch.bridge;

import java.util.BitSet;
import org.apache.arrow.memory.ArrowBuf;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HalfFloats;

/**
 * Copies a column's rows into a dense tensor buffer, casting element by element when the dtypes
 * differ. Same-type rows are copied with memcpy; nothing is boxed.
 */
final class ElementCopier {
  private ElementCopier() {}

  /**
   * Copies every row not in {@code skip} into consecutive tensor rows of {@code rowStride}
   * elements, starting {@code columnOffset} elements into each.
   */
  static void copyRows(
      ColumnLayout source,
      int rows,
      BitSet skip,
      ArrowBuf target,
      DType targetType,
      long rowStride,
      long columnOffset,
      boolean lossy) {
    ArrowBuf from = source.leaf.getDataBuffer();
    long count = source.rowElements;
    boolean sameType = source.dtype == targetType && targetType != DType.BOOL;
    int width = targetType.byteSize();
    long out = 0;
    for (int r = 0; r < rows; r++) {
      if (skip != null && skip.get(r)) {
        continue;
      }
      long src = source.rowStart(r);
      long dst = out * rowStride + columnOffset;
      if (!sameType) {
        castElements(source, r, from, src, target, targetType, dst, count, lossy);
      } else if (count == 1) {
        copyOne(from, src, target, dst, width);
      } else {
        target.setBytes(dst * width, from, src * width, count * width);
      }
      out++;
    }
  }

  private static void copyOne(ArrowBuf from, long src, ArrowBuf to, long dst, int width) {
    switch (width) {
      case 8 -> to.setLong(dst * 8, from.getLong(src * 8));
      case 4 -> to.setInt(dst * 4, from.getInt(src * 4));
      case 2 -> to.setShort(dst * 2, from.getShort(src * 2));
      default -> to.setByte(dst, from.getByte(src));
    }
  }

  private static void castElements(
      ColumnLayout source,
      int row,
      ArrowBuf from,
      long src,
      ArrowBuf to,
      DType targetType,
      long dst,
      long count,
      boolean lossy) {
    DType sourceType = source.dtype;
    for (long i = 0; i < count; i++) {
      if (sourceType.isFloating()) {
        writeDouble(
            to, targetType, dst + i, readDouble(from, sourceType, src + i), lossy, source, row);
      } else {
        writeLong(to, targetType, dst + i, readLong(from, sourceType, src + i), lossy, source, row);
      }
    }
  }

  static double readDouble(ArrowBuf buf, DType type, long i) {
    return switch (type) {
      case FLOAT32 -> buf.getFloat(i * 4);
      case FLOAT64 -> buf.getDouble(i * 8);
      case FLOAT16 -> HalfFloats.toFloat(buf.getShort(i * 2));
      case BFLOAT16 -> Float.intBitsToFloat((buf.getShort(i * 2) & 0xffff) << 16);
      default -> readLong(buf, type, i);
    };
  }

  static long readLong(ArrowBuf buf, DType type, long i) {
    return switch (type) {
      case INT64 -> buf.getLong(i * 8);
      case INT32 -> buf.getInt(i * 4);
      case INT16 -> buf.getShort(i * 2);
      case INT8 -> buf.getByte(i);
      case UINT8 -> buf.getByte(i) & 0xff;
      case BOOL -> (buf.getByte(i >> 3) >> (i & 7)) & 1;
      default -> throw new IllegalStateException("not an integer type: " + type);
    };
  }

  private static void writeDouble(
      ArrowBuf to, DType type, long i, double value, boolean lossy, ColumnLayout source, int row) {
    if (type.isFloating()) {
      writeFloating(to, type, i, value);
      return;
    }
    boolean exact = value == Math.rint(value) && !Double.isInfinite(value);
    if (!lossy && (!exact || value < min(type) || value > max(type))) {
      throw lossyCast(source, row, Double.toString(value), type);
    }
    writeInteger(to, type, i, Double.isNaN(value) ? 0 : (long) value);
  }

  private static void writeLong(
      ArrowBuf to, DType type, long i, long value, boolean lossy, ColumnLayout source, int row) {
    if (type.isFloating()) {
      writeFloating(to, type, i, value);
      return;
    }
    if (!lossy && (value < min(type) || value > max(type))) {
      throw lossyCast(source, row, Long.toString(value), type);
    }
    writeInteger(to, type, i, value);
  }

  private static void writeFloating(ArrowBuf to, DType type, long i, double value) {
    switch (type) {
      case FLOAT32 -> to.setFloat(i * 4, (float) value);
      case FLOAT64 -> to.setDouble(i * 8, value);
      case FLOAT16 -> to.setShort(i * 2, HalfFloats.fromFloat((float) value));
      case BFLOAT16 -> to.setShort(i * 2, (short) (Float.floatToRawIntBits((float) value) >>> 16));
      default -> throw new IllegalStateException("not a floating type: " + type);
    }
  }

  private static void writeInteger(ArrowBuf to, DType type, long i, long value) {
    switch (type) {
      case INT64 -> to.setLong(i * 8, value);
      case INT32 -> to.setInt(i * 4, (int) value);
      case INT16 -> to.setShort(i * 2, (short) value);
      case INT8, UINT8 -> to.setByte(i, (byte) value);
      case BOOL -> to.setByte(i, value != 0 ? 1 : 0);
      default -> throw new IllegalStateException("not an integer type: " + type);
    }
  }

  private static double min(DType type) {
    return switch (type) {
      case INT64 -> Long.MIN_VALUE;
      case INT32 -> Integer.MIN_VALUE;
      case INT16 -> Short.MIN_VALUE;
      case INT8 -> Byte.MIN_VALUE;
      default -> 0;
    };
  }

  private static double max(DType type) {
    return switch (type) {
      case INT64 -> Long.MAX_VALUE;
      case INT32 -> Integer.MAX_VALUE;
      case INT16 -> Short.MAX_VALUE;
      case INT8 -> Byte.MAX_VALUE;
      case UINT8 -> 255;
      default -> 1;
    };
  }

  private static BridgeException lossyCast(ColumnLayout source, int row, String value, DType type) {
    return new BridgeException(
        "Column '"
            + source.name
            + "' row "
            + row
            + ": value "
            + value
            + " ("
            + source.dtype
            + ") does not fit "
            + type
            + " without losing information; convert it in the query (e.g. round or cast) or"
            + " allow lossy casts for this argument");
  }
}
