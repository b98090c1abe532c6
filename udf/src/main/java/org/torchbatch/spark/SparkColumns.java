package org.torchbatch.spark;

import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.util.ArrowUtils;
import org.apache.spark.sql.vectorized.ColumnVector;

/**
 * Copies a column of a Spark columnar batch (what the vectorized Parquet reader produces) into an
 * Arrow vector with bulk copies: one per batch for a column of numbers, one per batch for the
 * values of an array column whose rows are stored back to back, and none for such values when Spark
 * keeps them off the heap (spark.sql.columnVector.offheap.enabled). No rows are built. Array values
 * land in buffers kept from batch to batch (one per argument), so the per-batch cost is the copy
 * alone: no allocation and no zeroing. One instance per task; it owns those buffers.
 */
final class SparkColumns implements AutoCloseable {
  private final BufferAllocator allocator;
  private final Map<Integer, ArrowBuf> values = new HashMap<>();

  SparkColumns(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  /** Whether {@link #toArrow} reads this type: numbers, or arrays of float, double, int or long. */
  static boolean supports(DataType type) {
    if (type instanceof ArrayType array) {
      return !(array.elementType() instanceof ArrayType)
          && SparkTypes.width(array.elementType()) > 0;
    }
    return SparkTypes.width(type) > 0;
  }

  /**
   * A new Arrow vector with the first {@code rows} values of {@code column}; the caller owns it and
   * closes it before the next call for the same {@code slot} (the argument's position), whose
   * buffers it may share.
   */
  FieldVector toArrow(int slot, String name, ColumnVector column, DataType type, int rows) {
    FieldVector vector =
        ArrowUtils.toArrowField(name, type, true, "UTC", false, Metadata.empty())
            .createVector(allocator);
    try {
      if (type instanceof ArrayType array && column instanceof WritableColumnVector arrays) {
        copyArrays(slot, (ListVector) vector, arrays, array.elementType(), rows);
      } else if (type instanceof ArrayType array) {
        copyArraysRowByRow((ListVector) vector, column, array.elementType(), rows);
      } else {
        BaseFixedWidthVector values = (BaseFixedWidthVector) vector;
        values.allocateNew(rows);
        copyValues(column, type, 0, values.getDataBuffer(), 0, rows);
        copyValidity(column, values.getValidityBuffer(), rows);
        values.setValueCount(rows);
      }
      return vector;
    } catch (RuntimeException e) {
      vector.close();
      throw e;
    }
  }

  private void copyArrays(
      int slot, ListVector list, WritableColumnVector arrays, DataType element, int rows) {
    list.setInitialCapacity(rows);
    list.allocateNew();
    ArrowBuf offsets = list.getOffsetBuffer();
    int first = firstOffset(arrays, rows);
    int total = 0;
    boolean backToBack = true;
    // asked once: Spark's isNullAt checks for an all-null column on every call
    boolean anyNull = arrays.hasNull();
    for (int r = 0; r < rows; r++) {
      offsets.setInt((long) r * ListVector.OFFSET_WIDTH, total);
      if (!anyNull || !arrays.isNullAt(r)) {
        backToBack &= arrays.getArrayOffset(r) == first + total;
        total += arrays.getArrayLength(r);
      }
    }
    offsets.setInt((long) rows * ListVector.OFFSET_WIDTH, total);
    copyValidity(arrays, list.getValidityBuffer(), rows);
    BaseFixedWidthVector values = (BaseFixedWidthVector) list.getDataVector();
    if (backToBack
        && total > 0
        && arrays.arrayData() instanceof OffHeapColumnVector offHeap
        && !offHeap.hasDictionary()
        && !offHeap.hasNull()) {
      viewValues(values, offHeap, element, first, total);
    } else {
      ArrowBuf data = reusedValues(slot, (long) total * SparkTypes.width(element));
      if (backToBack) {
        copyValues(arrays.arrayData(), element, first, data, 0, total);
      } else {
        for (int r = 0; r < rows; r++) {
          if (!arrays.isNullAt(r)) {
            int at = offsets.getInt((long) r * ListVector.OFFSET_WIDTH);
            copyValues(
                arrays.arrayData(),
                element,
                arrays.getArrayOffset(r),
                data,
                at,
                arrays.getArrayLength(r));
          }
        }
      }
      // with no nulls Arrow builds the validity buffer itself, so none is passed
      values.loadFieldBuffers(new ArrowFieldNode(total, 0), List.of(allocator.getEmpty(), data));
    }
    list.setLastSet(rows - 1);
    list.setValueCount(rows);
  }

  /** The slot's kept buffer, grown when a batch needs more, as a slice of {@code bytes}. */
  private ArrowBuf reusedValues(int slot, long bytes) {
    ArrowBuf kept = values.get(slot);
    if (kept == null || kept.capacity() < bytes) {
      if (kept != null) {
        kept.close();
      }
      kept = allocator.buffer(bytes);
      values.put(slot, kept);
    }
    return kept.slice(0, bytes);
  }

  @Override
  public void close() {
    values.values().forEach(ArrowBuf::close);
    values.clear();
  }

  /**
   * Points {@code values} at Spark's off-heap array values instead of copying them: they stay valid
   * until the reader's next batch, and the Arrow input is closed before that.
   */
  private void viewValues(
      BaseFixedWidthVector values,
      OffHeapColumnVector source,
      DataType element,
      int first,
      int count) {
    int width = SparkTypes.width(element);
    try (ArrowBuf data =
        allocator.wrapForeignAllocation(
            new SparkMemory(
                source.valuesNativeAddress() + (long) first * width, (long) count * width))) {
      values.loadFieldBuffers(new ArrowFieldNode(count, 0), List.of(allocator.getEmpty(), data));
    }
  }

  /** Memory Spark owns: Arrow only borrows it, so releasing it frees nothing. */
  private static final class SparkMemory extends ForeignAllocation {
    SparkMemory(long address, long size) {
      super(size, address);
    }

    @Override
    protected void release0() {}
  }

  /** Columns Spark builds other ways (constants, other sources): one bulk copy per row. */
  private static void copyArraysRowByRow(
      ListVector list, ColumnVector column, DataType element, int rows) {
    list.setInitialCapacity(rows);
    list.allocateNew();
    int total = 0;
    for (int r = 0; r < rows; r++) {
      total += column.isNullAt(r) ? 0 : column.getArray(r).numElements();
    }
    BaseFixedWidthVector values = (BaseFixedWidthVector) list.getDataVector();
    values.allocateNew(total);
    int at = 0;
    for (int r = 0; r < rows; r++) {
      list.getOffsetBuffer().setInt((long) r * ListVector.OFFSET_WIDTH, at);
      if (!column.isNullAt(r)) {
        var array = column.getArray(r);
        var buffer =
            values
                .getDataBuffer()
                .nioBuffer(
                    (long) at * SparkTypes.width(element),
                    array.numElements() * SparkTypes.width(element))
                .order(ByteOrder.LITTLE_ENDIAN);
        if (element.equals(DataTypes.FloatType)) {
          buffer.asFloatBuffer().put(array.toFloatArray());
        } else if (element.equals(DataTypes.DoubleType)) {
          buffer.asDoubleBuffer().put(array.toDoubleArray());
        } else if (element.equals(DataTypes.IntegerType)) {
          buffer.asIntBuffer().put(array.toIntArray());
        } else if (element.equals(DataTypes.LongType)) {
          buffer.asLongBuffer().put(array.toLongArray());
        } else if (element.equals(DataTypes.ShortType)) {
          buffer.asShortBuffer().put(array.toShortArray());
        } else {
          buffer.put(array.toByteArray());
        }
        at += array.numElements();
      }
    }
    list.getOffsetBuffer().setInt((long) rows * ListVector.OFFSET_WIDTH, at);
    copyValidity(column, list.getValidityBuffer(), rows);
    values.getValidityBuffer().setOne(0, BitVectorHelper.getValidityBufferSizeFromCount(total));
    values.setValueCount(total);
    list.setLastSet(rows - 1);
    list.setValueCount(rows);
  }

  private static int firstOffset(WritableColumnVector arrays, int rows) {
    for (int r = 0; r < rows; r++) {
      if (!arrays.isNullAt(r)) {
        return arrays.getArrayOffset(r);
      }
    }
    return 0;
  }

  /** Values {@code [from, from + count)} of a numeric column into {@code target} at {@code to}. */
  private static void copyValues(
      ColumnVector source, DataType type, int from, ArrowBuf target, int to, int count) {
    int width = SparkTypes.width(type);
    // dictionary-encoded values are ids until decoded: only plain values can be copied raw
    if (source instanceof OffHeapColumnVector offHeap && !offHeap.hasDictionary()) {
      MemoryUtil.copyMemory(
          offHeap.valuesNativeAddress() + (long) from * width,
          target.memoryAddress() + (long) to * width,
          (long) count * width);
      return;
    }
    var buffer = target.nioBuffer((long) to * width, count * width).order(ByteOrder.LITTLE_ENDIAN);
    if (source instanceof OnHeapColumnVector onHeap && OnHeapArrays.copy(onHeap, from, buffer)) {
      return;
    }
    if (type.equals(DataTypes.FloatType)) {
      buffer.asFloatBuffer().put(source.getFloats(from, count));
    } else if (type.equals(DataTypes.DoubleType)) {
      buffer.asDoubleBuffer().put(source.getDoubles(from, count));
    } else if (type.equals(DataTypes.IntegerType)) {
      buffer.asIntBuffer().put(source.getInts(from, count));
    } else if (type.equals(DataTypes.LongType)) {
      buffer.asLongBuffer().put(source.getLongs(from, count));
    } else if (type.equals(DataTypes.ShortType)) {
      buffer.asShortBuffer().put(source.getShorts(from, count));
    } else {
      buffer.put(source.getBytes(from, count));
    }
  }

  private static void copyValidity(ColumnVector source, ArrowBuf validity, int rows) {
    validity.setOne(0, BitVectorHelper.getValidityBufferSizeFromCount(rows));
    if (source.hasNull()) {
      for (int r = 0; r < rows; r++) {
        if (source.isNullAt(r)) {
          BitVectorHelper.unsetBit(validity, r);
        }
      }
    }
  }
}
