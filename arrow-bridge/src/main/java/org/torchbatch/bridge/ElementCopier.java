package org.torchbatch.bridge;

import java.util.BitSet;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
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
      LeafRowLayout source,
      int rows,
      BitSet skip,
      ArrowBuf target,
      DType targetType,
      long rowStride,
      long columnOffset,
      boolean lossy) {
    ArrowBuf from = source.leaf.getDataBuffer();
    long count = source.rowElements;
    int width = targetType.byteSize();
    boolean sameType = source.dtype == targetType && targetType != DType.BOOL;
    if (sameType && count == 1 && source.contiguous() && skip.isEmpty()) {
      copyScalars(
          from.memoryAddress(),
          source.rowStart(0),
          target.memoryAddress(),
          rows,
          rowStride,
          columnOffset,
          width);
      return;
    }
    long out = 0;
    for (int r = 0; r < rows; r++) {
      if (skip.get(r)) {
        continue;
      }
      long src = source.rowStart(r);
      long dst = out * rowStride + columnOffset;
      if (sameType) {
        MemoryUtil.copyMemory(
            from.memoryAddress() + src * width,
            target.memoryAddress() + dst * width,
            count * width);
      } else {
        castElements(
            source,
            r,
            from.memoryAddress(),
            src,
            target.memoryAddress(),
            targetType,
            dst,
            count,
            lossy);
      }
      out++;
    }
  }

  /** One element per row into a strided tensor column: the stacking of scalar columns. */
  private static void copyScalars(
      long from, long first, long to, int rows, long stride, long offset, int width) {
    long src = from + first * width;
    long dst = to + offset * width;
    long step = stride * width;
    switch (width) {
      case 8 -> {
        for (int r = 0; r < rows; r++) {
          MemoryUtil.putLong(dst + r * step, MemoryUtil.getLong(src + r * 8L));
        }
      }
      case 4 -> {
        for (int r = 0; r < rows; r++) {
          MemoryUtil.putInt(dst + r * step, MemoryUtil.getInt(src + r * 4L));
        }
      }
      case 2 -> {
        for (int r = 0; r < rows; r++) {
          MemoryUtil.putShort(dst + r * step, MemoryUtil.getShort(src + r * 2L));
        }
      }
      default -> {
        for (int r = 0; r < rows; r++) {
          MemoryUtil.putByte(dst + r * step, MemoryUtil.getByte(src + r));
        }
      }
    }
  }

  private static void castElements(
      LeafRowLayout source,
      int row,
      long from,
      long src,
      long to,
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

  private static double readDouble(long address, DType type, long i) {
    return switch (type) {
      case FLOAT32 -> Float.intBitsToFloat(MemoryUtil.getInt(address + i * 4));
      case FLOAT64 -> Double.longBitsToDouble(MemoryUtil.getLong(address + i * 8));
      case FLOAT16 -> HalfFloats.toFloat(MemoryUtil.getShort(address + i * 2));
      case BFLOAT16 -> Float.intBitsToFloat((MemoryUtil.getShort(address + i * 2) & 0xffff) << 16);
      default -> readLong(address, type, i);
    };
  }

  private static long readLong(long address, DType type, long i) {
    return switch (type) {
      case INT64 -> MemoryUtil.getLong(address + i * 8);
      case INT32 -> MemoryUtil.getInt(address + i * 4);
      case INT16 -> MemoryUtil.getShort(address + i * 2);
      case INT8 -> MemoryUtil.getByte(address + i);
      case UINT8 -> MemoryUtil.getByte(address + i) & 0xff;
      case BOOL -> (MemoryUtil.getByte(address + (i >> 3)) >> (i & 7)) & 1;
      default -> throw new IllegalStateException("not an integer type: " + type);
    };
  }

  private static void writeDouble(
      long to, DType type, long i, double value, boolean lossy, LeafRowLayout source, int row) {
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
      long to, DType type, long i, long value, boolean lossy, LeafRowLayout source, int row) {
    if (type.isFloating()) {
      writeFloating(to, type, i, value);
      return;
    }
    if (!lossy && (value < min(type) || value > max(type))) {
      throw lossyCast(source, row, Long.toString(value), type);
    }
    writeInteger(to, type, i, value);
  }

  private static void writeFloating(long to, DType type, long i, double value) {
    switch (type) {
      case FLOAT32 -> MemoryUtil.putInt(to + i * 4, Float.floatToRawIntBits((float) value));
      case FLOAT64 -> MemoryUtil.putLong(to + i * 8, Double.doubleToRawLongBits(value));
      case FLOAT16 -> MemoryUtil.putShort(to + i * 2, HalfFloats.fromFloat((float) value));
      case BFLOAT16 ->
          MemoryUtil.putShort(to + i * 2, (short) (Float.floatToRawIntBits((float) value) >>> 16));
      default -> throw new IllegalStateException("not a floating type: " + type);
    }
  }

  private static void writeInteger(long to, DType type, long i, long value) {
    switch (type) {
      case INT64 -> MemoryUtil.putLong(to + i * 8, value);
      case INT32 -> MemoryUtil.putInt(to + i * 4, (int) value);
      case INT16 -> MemoryUtil.putShort(to + i * 2, (short) value);
      case INT8, UINT8 -> MemoryUtil.putByte(to + i, (byte) value);
      case BOOL -> MemoryUtil.putByte(to + i, (byte) (value != 0 ? 1 : 0));
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

  private static BridgeException lossyCast(
      LeafRowLayout source, int row, String value, DType type) {
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
