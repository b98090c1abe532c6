package org.torchbatch.spark;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.torchbatch.bridge.OutputField;
import org.torchbatch.bridge.OutputLayout;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.TorchbatchException;

/** Spark SQL types of model inputs and outputs. */
final class SparkTypes {
  // the one table: the dtype an argument of each Spark type becomes, and the Spark type of a
  // column holding outputs of each dtype (after DType.columnDType's widening)
  private static final Map<DType, DataType> COLUMN_TYPES =
      new EnumMap<>(
          Map.of(
              DType.FLOAT32, DataTypes.FloatType,
              DType.FLOAT64, DataTypes.DoubleType,
              DType.INT64, DataTypes.LongType,
              DType.INT32, DataTypes.IntegerType,
              DType.INT16, DataTypes.ShortType,
              DType.INT8, DataTypes.ByteType,
              DType.BOOL, DataTypes.BooleanType));

  private SparkTypes() {}

  /**
   * The result type of predict: the single output's type, or a struct with one field per output.
   */
  static DataType resultType(OutputLayout layout) {
    if (layout.fields().size() == 1) {
      return outputType(layout.fields().get(0));
    }
    List<StructField> fields = new ArrayList<>();
    for (OutputField field : layout.fields()) {
      fields.add(DataTypes.createStructField(field.column(), outputType(field), true));
    }
    return DataTypes.createStructType(fields);
  }

  static DataType outputType(OutputField field) {
    DataType type = leafType(field.dtype());
    // a tensor has no missing elements: only a whole row's prediction can be null, so projections
    // and writers skip a null check per element
    for (int i = 0; i < field.rowShape().length; i++) {
      type = DataTypes.createArrayType(type, false);
    }
    return type;
  }

  /** The Spark type of a column holding outputs of this dtype ({@link DType#columnDType}). */
  private static DataType leafType(DType dtype) {
    DataType type = COLUMN_TYPES.get(dtype.columnDType());
    if (type == null) {
      throw new IllegalStateException("no Spark type for " + dtype);
    }
    return type;
  }

  /** The tensor dtype of a numeric (possibly nested array) input type, or an error naming it. */
  static DType inputDType(String argument, DataType type) {
    DType dtype = dtypeOf(leaf(type));
    if (dtype == null) {
      throw new TorchbatchException(
          "predict argument "
              + argument
              + " is "
              + type.simpleString()
              + ": models take numbers (tinyint to bigint, float, double, boolean) and arrays of"
              + " them; cast it (e.g. CAST(x AS DOUBLE)) or encode it first");
    }
    return dtype;
  }

  /**
   * Bytes of one value of a number type, as its column vectors and tensors both lay it out (so
   * values copy in bulk); 0 for booleans (bytes in Spark's vectors, bits in Arrow's) and the rest.
   */
  static int width(DataType type) {
    DType dtype = dtypeOf(type);
    return dtype == null || dtype == DType.BOOL ? 0 : dtype.byteSize();
  }

  private static DType dtypeOf(DataType leaf) {
    for (Map.Entry<DType, DataType> entry : COLUMN_TYPES.entrySet()) {
      if (entry.getValue().equals(leaf)) {
        return entry.getKey();
      }
    }
    return null;
  }

  private static DataType leaf(DataType type) {
    while (type instanceof ArrayType array) {
      type = array.elementType();
    }
    return type;
  }

  /** How deep the arrays of an input type nest: 0 for a scalar. */
  static int depth(DataType type) {
    int depth = 0;
    while (type instanceof ArrayType array) {
      type = array.elementType();
      depth++;
    }
    return depth;
  }
}
