package org.torchbatch.bridge;

import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.torchbatch.runtime.DType;

/**
 * One model output as a column: {@code [N]} is a scalar column, {@code [N, k]} a list column,
 * {@code [N, a, b]} a list of lists; float16 widens to float, uint8 to smallint.
 *
 * @param output the model's output name ({@code output}, {@code _0}, a dict key)
 * @param column the column it becomes
 * @param dtype the tensor's dtype
 * @param rowShape the shape of one row, {@code [k]} for {@code [N, k]}
 */
public record OutputField(String output, String column, DType dtype, long[] rowShape)
    implements java.io.Serializable {

  public OutputField {
    rowShape = rowShape.clone();
  }

  public Field toArrowField() {
    return field(column, 0);
  }

  private Field field(String name, int depth) {
    if (depth == rowShape.length) {
      return new Field(name, FieldType.nullable(ArrowTypes.columnType(dtype)), null);
    }
    return new Field(
        name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(field("element", depth + 1)));
  }

  public String describe() {
    return output + " -> " + column + " " + dtype + Arrays.toString(rowShape);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof OutputField that
        && output.equals(that.output)
        && column.equals(that.column)
        && dtype == that.dtype
        && Arrays.equals(rowShape, that.rowShape);
  }

  @Override
  public int hashCode() {
    return output.hashCode() * 31 + Arrays.hashCode(rowShape);
  }
}
