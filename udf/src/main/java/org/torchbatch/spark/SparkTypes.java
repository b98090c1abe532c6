package org.torchbatch.spark;

import java.util.ArrayList;
import java.util.List;
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
    return switch (dtype.columnDType()) {
      case FLOAT32 -> DataTypes.FloatType;
      case FLOAT64 -> DataTypes.DoubleType;
      case INT64 -> DataTypes.LongType;
      case INT32 -> DataTypes.IntegerType;
      case INT16 -> DataTypes.ShortType;
      case INT8 -> DataTypes.ByteType;
      case BOOL -> DataTypes.BooleanType;
      default -> throw new IllegalStateException("no Spark type for " + dtype);
    };
  }

  /** The tensor dtype of a numeric (possibly nested array) input type, or an error naming it. */
  static DType inputDType(String argument, DataType type) {
    DataType leaf = type;
    while (leaf instanceof ArrayType array) {
      leaf = array.elementType();
    }
    if (leaf.equals(DataTypes.FloatType)) {
      return DType.FLOAT32;
    } else if (leaf.equals(DataTypes.DoubleType)) {
      return DType.FLOAT64;
    } else if (leaf.equals(DataTypes.LongType)) {
      return DType.INT64;
    } else if (leaf.equals(DataTypes.IntegerType)) {
      return DType.INT32;
    } else if (leaf.equals(DataTypes.ShortType)) {
      return DType.INT16;
    } else if (leaf.equals(DataTypes.ByteType)) {
      return DType.INT8;
    } else if (leaf.equals(DataTypes.BooleanType)) {
      return DType.BOOL;
    }
    throw new TorchbatchException(
        "predict argument "
            + argument
            + " is "
            + type.simpleString()
            + ": models take numbers (tinyint to bigint, float, double, boolean) and arrays of"
            + " them; cast it (e.g. CAST(x AS DOUBLE)) or encode it first");
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
