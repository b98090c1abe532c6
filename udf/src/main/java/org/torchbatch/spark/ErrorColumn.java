package org.torchbatch.spark;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.torchbatch.bridge.OutputLayout;

/**
 * Predict's result under {@link OnError#QUARANTINE}: a struct of the predictions (each output a
 * field) and {@link OnError#ERROR_FIELD}, the error of each row the model could not predict.
 */
final class ErrorColumn {
  private ErrorColumn() {}

  /** The result type: the predictions' fields, then the error's. */
  static StructType type(OutputLayout outputs, DataType predictions) {
    StructType fields =
        outputs.fields().size() > 1
            ? (StructType) predictions
            : new StructType().add(outputs.fields().get(0).column(), predictions, true);
    return fields.add(OnError.ERROR_FIELD, DataTypes.StringType, true);
  }

  /**
   * Moves the fields of {@code predictions} (a struct, one field per output; taking its buffers)
   * into a struct with the rows' errors.
   */
  static StructVector attach(
      FieldVector predictions, List<BadRowSearch.BadRow> bad, BufferAllocator allocator) {
    int rows = predictions.getValueCount();
    StructVector result = StructVector.empty("prediction", allocator);
    try {
      for (FieldVector field : ((StructVector) predictions).getChildrenFromFields()) {
        FieldVector child =
            result.addOrGet(field.getName(), field.getField().getFieldType(), FieldVector.class);
        field.makeTransferPair(child).transfer();
        child.setValueCount(rows);
      }
      VarCharVector errors =
          result.addOrGet(
              OnError.ERROR_FIELD,
              FieldType.nullable(ArrowType.Utf8.INSTANCE),
              VarCharVector.class);
      errors.allocateNew(rows);
      for (BadRowSearch.BadRow row : bad) {
        errors.setSafe(row.row(), row.message().getBytes(StandardCharsets.UTF_8));
      }
      errors.setValueCount(rows);
      for (int row = 0; row < rows; row++) {
        result.setIndexDefined(row);
      }
      result.setValueCount(rows);
      return result;
    } catch (RuntimeException e) {
      result.close();
      throw e;
    } finally {
      predictions.close();
    }
  }
}
