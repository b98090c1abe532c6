package org.torchbatch.bridge;

import java.util.Arrays;
import java.util.List;
import org.torchbatch.runtime.DType;

/**
 * How one positional model argument is built from a batch: from one column, or from several columns
 * placed side by side per row ({@code a, b, c -> [N, 3]}).
 *
 * @param columns the source columns, in order
 * @param dtype the tensor's dtype; null keeps the column's own type
 * @param rowShape each row's shape in the tensor (a flat 3072-long array as {@code [3, 32, 32]});
 *     null keeps the column's own nesting
 * @param lossyCast whether a cast may lose information (3.7 into int64); otherwise it is an error
 */
public record ArgumentSpec(List<String> columns, DType dtype, long[] rowShape, boolean lossyCast)
    implements java.io.Serializable {

  public ArgumentSpec {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("an argument needs at least one column");
    }
    columns = List.copyOf(columns);
    rowShape = rowShape == null ? null : rowShape.clone();
  }

  public static ArgumentSpec of(String... columns) {
    return new ArgumentSpec(List.of(columns), null, null, false);
  }

  public ArgumentSpec as(DType type) {
    return new ArgumentSpec(columns, type, rowShape, lossyCast);
  }

  public ArgumentSpec reshape(long... shape) {
    return new ArgumentSpec(columns, dtype, shape, lossyCast);
  }

  public ArgumentSpec allowLossyCast() {
    return new ArgumentSpec(columns, dtype, rowShape, true);
  }

  /** {@code a, b, c} or {@code features}. */
  public String describe() {
    return String.join(", ", columns);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ArgumentSpec that
        && columns.equals(that.columns)
        && dtype == that.dtype
        && Arrays.equals(rowShape, that.rowShape)
        && lossyCast == that.lossyCast;
  }

  @Override
  public int hashCode() {
    return 31 * columns.hashCode() + Arrays.hashCode(rowShape);
  }

  @Override
  public String toString() {
    return "ArgumentSpec["
        + describe()
        + (dtype == null ? "" : " as " + dtype)
        + (rowShape == null ? "" : " reshaped " + Arrays.toString(rowShape))
        + (lossyCast ? " lossy" : "")
        + "]";
  }
}
