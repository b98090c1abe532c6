package org.torchbatch.bridge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.torchbatch.runtime.DType;

/**
 * Where each row of one column lives in its leaf vector, after checking that every row has the same
 * nested shape. Lists keep their children contiguous, so a row is always one contiguous range of
 * leaf elements; when the rows follow each other without gaps, the column is one dense block that a
 * tensor can view in place.
 */
final class LeafRowLayout {
  final String name;
  final FieldVector leaf;
  final DType dtype;
  final long[] rowShape;
  final long rowElements;
  final BitSet nullRows;
  private final long start;
  private final long[] rowStarts;

  private LeafRowLayout(
      String name, FieldVector leaf, DType dtype, long[] rowShape, Rows rows, BitSet nullRows) {
    this.name = name;
    this.leaf = leaf;
    this.dtype = dtype;
    this.rowShape = rowShape;
    this.rowElements = rows.perRow;
    this.start = rows.base;
    this.rowStarts = rows.starts;
    this.nullRows = nullRows;
  }

  /** The leaf index of row {@code row}'s first element. */
  long rowStart(int row) {
    return rowStarts == null ? start + row * rowElements : rowStarts[row];
  }

  /** Whether rows follow each other without gaps from {@link #rowStart(int) rowStart(0)}. */
  boolean contiguous() {
    return rowStarts == null;
  }

  /** Entry ranges per row at one nesting level: arithmetic while regular, explicit otherwise. */
  private static final class Rows {
    long base;
    long perRow = 1;
    long[] starts;

    long start(int row) {
      return starts == null ? base + row * perRow : starts[row];
    }

    void compact(int rows) {
      for (int r = 1; r < rows; r++) {
        if (starts[r] != starts[0] + r * perRow) {
          return;
        }
      }
      base = rows == 0 ? 0 : starts[0];
      starts = null;
    }
  }

  static LeafRowLayout of(String name, FieldVector column, int rows) {
    BitSet nulls = new BitSet();
    Rows layout = new Rows();
    List<Long> shape = new ArrayList<>();
    FieldVector level = column;
    while (true) {
      markNullEntries(level, layout, rows, nulls);
      if (level instanceof FixedSizeListVector fixed) {
        int length = fixed.getListSize();
        layout.base *= length;
        if (layout.starts != null) {
          for (int r = 0; r < rows; r++) {
            layout.starts[r] *= length;
          }
        }
        layout.perRow *= length;
        shape.add((long) length);
        level = fixed.getDataVector();
      } else if (level instanceof ListVector || level instanceof LargeListVector) {
        shape.add(descendVariableList(name, level, layout, rows, nulls, shape.size()));
        level = childOf(level);
      } else {
        break;
      }
    }
    DType dtype = ArrowTypes.dtypeOf(level);
    if (dtype == null) {
      throw new BridgeException(unsupported(name, column, level));
    }
    checkWithinValues(name, level, layout, rows, nulls);
    long[] rowShape = shape.stream().mapToLong(Long::longValue).toArray();
    return new LeafRowLayout(name, level, dtype, rowShape, layout, nulls.isEmpty() ? null : nulls);
  }

  private static long descendVariableList(
      String name, FieldVector list, Rows layout, int rows, BitSet nulls, int depth) {
    if (layout.starts == null && nulls.isEmpty()) {
      long even = evenLength(list, layout.base, rows * layout.perRow);
      if (even >= 0) {
        layout.base = offset(list, layout.base);
        layout.perRow *= even;
        return even;
      }
    }
    long length = -1;
    long[] childStarts = new long[rows];
    for (int r = 0; r < rows; r++) {
      long first = layout.start(r);
      childStarts[r] = offset(list, first);
      if (nulls.get(r)) {
        continue;
      }
      for (long e = first; e < first + layout.perRow; e++) {
        long entryLength = offset(list, e + 1) - offset(list, e);
        if (length < 0) {
          length = entryLength;
        } else if (entryLength != length) {
          throw new BridgeException(
              "Column '"
                  + name
                  + "' row "
                  + r
                  + " has a list of "
                  + entryLength
                  + " elements at depth "
                  + (depth + 1)
                  + " where earlier rows have "
                  + length
                  + ": every row of a model argument must have the same shape; pad or filter"
                  + " the rows");
        }
      }
    }
    long perEntry = Math.max(length, 0);
    layout.starts = childStarts;
    layout.perRow *= perEntry;
    layout.compact(rows);
    return perEntry;
  }

  /**
   * The common case in one pass over the offsets: the length of every list of entries {@code
   * [first, first + entries)} when all are equal, else -1 (the caller then finds the row that
   * differs).
   */
  private static long evenLength(FieldVector list, long first, long entries) {
    if (entries == 0) {
      return -1;
    }
    long start = offset(list, first);
    long length = offset(list, first + 1) - start;
    if (length < 0) {
      return -1;
    }
    ArrowBuf offsets = list.getOffsetBuffer();
    boolean large = list instanceof LargeListVector;
    for (long e = 2; e <= entries; e++) {
      long at =
          large
              ? offsets.getLong((first + e) * LargeListVector.OFFSET_WIDTH)
              : offsets.getInt((first + e) * ListVector.OFFSET_WIDTH);
      if (at != start + e * length) {
        return -1;
      }
    }
    return length;
  }

  /** Guards the unchecked copies: no row may reach past the leaf's values. */
  private static void checkWithinValues(
      String name, FieldVector leaf, Rows layout, int rows, BitSet nulls) {
    long limit = leaf.getValueCount();
    if (layout.starts == null) {
      int last = nulls.isEmpty() ? rows - 1 : lastNonNull(rows, nulls);
      if (last >= 0 && (layout.base < 0 || layout.base + (last + 1) * layout.perRow > limit)) {
        throw corrupt(name, last, limit);
      }
      return;
    }
    for (int r = 0; r < rows; r++) {
      if (!nulls.get(r) && (layout.starts[r] < 0 || layout.starts[r] + layout.perRow > limit)) {
        throw corrupt(name, r, limit);
      }
    }
  }

  private static int lastNonNull(int rows, BitSet nulls) {
    int last = rows - 1;
    while (last >= 0 && nulls.get(last)) {
      last--;
    }
    return last;
  }

  private static BridgeException corrupt(String name, int row, long limit) {
    return new BridgeException(
        "Column '"
            + name
            + "' row "
            + row
            + " points past the column's "
            + limit
            + " values: the Arrow batch is corrupt");
  }

  private static long offset(FieldVector list, long entry) {
    return list instanceof LargeListVector
        ? list.getOffsetBuffer().getLong(entry * LargeListVector.OFFSET_WIDTH)
        : list.getOffsetBuffer().getInt(entry * ListVector.OFFSET_WIDTH);
  }

  private static FieldVector childOf(FieldVector list) {
    return list instanceof LargeListVector large
        ? (FieldVector) large.getDataVector()
        : ((ListVector) list).getDataVector();
  }

  private static void markNullEntries(FieldVector level, Rows layout, int rows, BitSet nulls) {
    if (level.getNullCount() == 0) {
      return;
    }
    for (int r = 0; r < rows; r++) {
      long first = layout.start(r);
      for (long e = first; e < first + layout.perRow && !nulls.get(r); e++) {
        if (level.isNull(Math.toIntExact(e))) {
          nulls.set(r);
        }
      }
    }
  }

  private static String unsupported(String name, FieldVector column, FieldVector leaf) {
    String type = column == leaf ? describe(leaf) : describe(column) + " of " + describe(leaf);
    return "Column '"
        + name
        + "' is "
        + type
        + ": torchbatch feeds models numeric columns (tinyint to bigint, float, double,"
        + " boolean) and arrays of them; cast or encode it first (strings: tokenize; decimals:"
        + " cast to double; dates: cast to a number)";
  }

  private static String describe(FieldVector vector) {
    return vector.getField().getType().toString();
  }

  @Override
  public String toString() {
    return name + ": " + dtype + Arrays.toString(rowShape) + (contiguous() ? " dense" : " gapped");
  }
}
