package org.torchbatch.bridge;

import java.util.BitSet;

/**
 * Which rows of a batch went to the model: all of them but the null rows that the {@code null}
 * policy skipped. Model outputs have {@link #modelRows()} rows; columns have {@link #rows()}.
 */
public record RowMask(int rows, BitSet nullRows) {

  public RowMask {
    nullRows = (BitSet) nullRows.clone();
  }

  public static RowMask allRows(int rows) {
    return new RowMask(rows, new BitSet());
  }

  public int modelRows() {
    return rows - nullRows.cardinality();
  }

  public boolean isNull(int row) {
    return nullRows.get(row);
  }

  public boolean hasNulls() {
    return !nullRows.isEmpty();
  }
}
