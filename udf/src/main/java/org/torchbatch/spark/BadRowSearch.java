package org.torchbatch.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.torchbatch.runtime.TorchbatchException;

/**
 * Finds the rows of a failing batch that fail on their own, by halving it (as the out-of-memory
 * path halves a batch): the other rows get their predictions, each failing one a null and its
 * error. A batch with k such rows among n costs about k times log2(n) more calls.
 */
final class BadRowSearch {
  /** A row that failed on its own: its place in the batch and why. */
  record BadRow(int row, String message) {}

  /** What the search needs of the runner. */
  interface Calls {
    /** The predictions for these rows, or a {@link TorchbatchException}. */
    FieldVector run(VectorSchemaRoot rows);

    /** A vector of {@code rows} null predictions. */
    FieldVector nulls(int rows);

    /** A new vector of {@code head}'s rows then {@code tail}'s. */
    FieldVector concat(FieldVector head, FieldVector tail);
  }

  private final Calls calls;
  private final List<BadRow> bad = new ArrayList<>();

  BadRowSearch(Calls calls) {
    this.calls = calls;
  }

  /** Predictions for every row, nulls where a row failed alone (see {@link #badRows()}). */
  FieldVector run(VectorSchemaRoot rows) {
    return run(rows, 0);
  }

  List<BadRow> badRows() {
    return bad;
  }

  private FieldVector run(VectorSchemaRoot rows, int offset) {
    try {
      return calls.run(rows);
    } catch (TorchbatchException e) {
      int count = rows.getRowCount();
      if (count == 0) {
        throw e;
      }
      if (count == 1) {
        bad.add(new BadRow(offset, e.getMessage()));
        return calls.nulls(count);
      }
      int half = count / 2;
      try (VectorSchemaRoot first = rows.slice(0, half);
          VectorSchemaRoot second = rows.slice(half, count - half);
          FieldVector head = run(first, offset);
          FieldVector tail = run(second, offset + half)) {
        return calls.concat(head, tail);
      }
    }
  }
}
