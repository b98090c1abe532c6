package org.torchbatch.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.execution.arrow.ArrowWriter;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * Writes a call's arguments from rows into its Arrow batch. Arrays of numbers (the usual feature
 * column) go in with one memory copy per row; other types through Spark's ArrowWriter, which writes
 * element by element.
 */
abstract class ArgumentWriter {
  abstract void reset();

  abstract void write(InternalRow row);

  abstract void finish();

  /** A writer of projected rows: the arguments in fields 0 to n - 1, in {@code schema}'s order. */
  static ArgumentWriter forRoot(VectorSchemaRoot root, StructType schema) {
    if (!allNumberArrays(schema)) {
      return new SparkWriter(ArrowWriter.create(root));
    }
    int[] ordinals = new int[schema.fields().length];
    Arrays.setAll(ordinals, f -> f);
    return new ArrayCopies(root, ordinals);
  }

  /**
   * A writer that reads the arguments straight from UnsafeRows of the child, argument {@code f} in
   * field {@code ordinals[f]}, so that no projection copies them first; null unless every argument
   * is an array of numbers.
   */
  static ArgumentWriter fromFields(VectorSchemaRoot root, StructType schema, int[] ordinals) {
    return allNumberArrays(schema) ? new ArrayCopies(root, ordinals.clone()) : null;
  }

  private static boolean allNumberArrays(StructType schema) {
    for (StructField field : schema.fields()) {
      if (!(field.dataType() instanceof ArrayType array
          && SparkTypes.width(array.elementType()) > 0)) {
        return false;
      }
    }
    return true;
  }

  private static final class SparkWriter extends ArgumentWriter {
    private final ArrowWriter writer;

    SparkWriter(ArrowWriter writer) {
      this.writer = writer;
    }

    @Override
    void reset() {
      writer.reset();
    }

    @Override
    void write(InternalRow row) {
      writer.write(row);
    }

    @Override
    void finish() {
      writer.finish();
    }
  }

  /**
   * Every argument an array of numbers, read from an UnsafeRow's field: each row's values in one
   * copy; the rare null elements are remembered and marked when the batch is finished.
   */
  private static final class ArrayCopies extends ArgumentWriter {
    private final VectorSchemaRoot root;
    private final int[] ordinals;
    private final List<ListVector> lists = new ArrayList<>();
    private final List<int[]> nullElements = new ArrayList<>();
    private final int[] widths;
    private final int[] filled;
    private int rows;

    ArrayCopies(VectorSchemaRoot root, int[] ordinals) {
      this.root = root;
      this.ordinals = ordinals;
      for (FieldVector vector : root.getFieldVectors()) {
        lists.add((ListVector) vector);
      }
      widths = new int[lists.size()];
      for (int f = 0; f < widths.length; f++) {
        widths[f] = ((BaseFixedWidthVector) lists.get(f).getDataVector()).getTypeWidth();
      }
      filled = new int[lists.size()];
    }

    @Override
    void reset() {
      // no zeroing of the vectors: write() sets every offset, validity bit and value of the rows
      // it writes, and finish() the counts
      Arrays.fill(filled, 0);
      nullElements.clear();
      rows = 0;
    }

    @Override
    void write(InternalRow row) {
      for (int f = 0; f < widths.length; f++) {
        ListVector list = lists.get(f);
        while (list.getValueCapacity() <= rows) {
          list.reAlloc();
        }
        list.getOffsetBuffer().setInt((long) rows * ListVector.OFFSET_WIDTH, filled[f]);
        if (row.isNullAt(ordinals[f])) {
          BitVectorHelper.unsetBit(list.getValidityBuffer(), rows);
          continue;
        }
        BitVectorHelper.setBit(list.getValidityBuffer(), rows);
        UnsafeArrayData array = (UnsafeArrayData) row.getArray(ordinals[f]);
        int count = array.numElements();
        BaseFixedWidthVector values = (BaseFixedWidthVector) list.getDataVector();
        while (values.getValueCapacity() < filled[f] + count) {
          values.reAlloc();
        }
        Platform.copyMemory(
            array.getBaseObject(),
            array.getBaseOffset() + UnsafeArrayData.calculateHeaderPortionInBytes(count),
            null,
            values.getDataBufferAddress() + (long) filled[f] * widths[f],
            (long) count * widths[f]);
        if (hasNullElements(array)) {
          for (int i = 0; i < count; i++) {
            if (array.isNullAt(i)) {
              nullElements.add(new int[] {f, filled[f] + i});
            }
          }
        }
        filled[f] += count;
      }
      rows++;
    }

    @Override
    void finish() {
      for (int f = 0; f < widths.length; f++) {
        ListVector list = lists.get(f);
        while (list.getValueCapacity() <= rows) {
          list.reAlloc();
        }
        list.getOffsetBuffer().setInt((long) rows * ListVector.OFFSET_WIDTH, filled[f]);
        BaseFixedWidthVector values = (BaseFixedWidthVector) list.getDataVector();
        values
            .getValidityBuffer()
            .setOne(0, BitVectorHelper.getValidityBufferSizeFromCount(filled[f]));
        values.setValueCount(filled[f]);
        list.setLastSet(rows - 1);
        list.setValueCount(rows);
      }
      for (int[] element : nullElements) {
        BitVectorHelper.unsetBit(
            lists.get(element[0]).getDataVector().getValidityBuffer(), element[1]);
      }
      root.setRowCount(rows);
    }

    /** Whether any bit of the array's null bitmap (after its 8-byte length) is set. */
    private static boolean hasNullElements(UnsafeArrayData array) {
      long words = (array.numElements() + 63) / 64;
      for (long w = 0; w < words; w++) {
        if (Platform.getLong(array.getBaseObject(), array.getBaseOffset() + 8 + w * 8) != 0) {
          return true;
        }
      }
      return false;
    }
  }
}
