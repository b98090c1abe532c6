package org.torchbatch.spark.parquet;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * A Parquet value type this reader puts into Spark vectors as stored (PLAIN, little-endian): fixed
 * width numbers, and strings or bytes ({@link #bytes} -1: each value length-prefixed).
 */
enum ValueType {
  INT(4, DataTypes.IntegerType, PrimitiveTypeName.INT32),
  LONG(8, DataTypes.LongType, PrimitiveTypeName.INT64),
  FLOAT(4, DataTypes.FloatType, PrimitiveTypeName.FLOAT),
  DOUBLE(8, DataTypes.DoubleType, PrimitiveTypeName.DOUBLE),
  STRING(-1, DataTypes.StringType, PrimitiveTypeName.BINARY),
  BYTES(-1, DataTypes.BinaryType, PrimitiveTypeName.BINARY);

  final int bytes;
  private final DataType sparkType;
  private final PrimitiveTypeName parquetType;

  ValueType(int bytes, DataType sparkType, PrimitiveTypeName parquetType) {
    this.bytes = bytes;
    this.sparkType = sparkType;
    this.parquetType = parquetType;
  }

  /** The type a Spark column of {@code sparkType} stored as {@code stored} is read as, or null. */
  static ValueType of(DataType sparkType, PrimitiveType stored) {
    for (ValueType type : values()) {
      if (type.sparkType.equals(sparkType)
          && type.parquetType == stored.getPrimitiveTypeName()
          && type.asStored(stored.getLogicalTypeAnnotation())) {
        return type;
      }
    }
    return null;
  }

  boolean fixedWidth() {
    return bytes > 0;
  }

  /** Copies {@code count} fixed-width values from {@code src[offset]} into rows {@code row...}. */
  void put(WritableColumnVector vector, int row, int count, byte[] src, int offset) {
    switch (this) {
      case INT -> vector.putIntsLittleEndian(row, count, src, offset);
      case LONG -> vector.putLongsLittleEndian(row, count, src, offset);
      case FLOAT -> vector.putFloatsLittleEndian(row, count, src, offset);
      case DOUBLE -> vector.putDoublesLittleEndian(row, count, src, offset);
      default -> throw new IllegalStateException(this + " values have no fixed width");
    }
  }

  // dates, timestamps, decimals, unsigned ints and the like need conversions: Spark's reader has
  // them
  private boolean asStored(LogicalTypeAnnotation logical) {
    if (logical == null) {
      return true;
    }
    return switch (this) {
      case INT, LONG ->
          logical instanceof IntLogicalTypeAnnotation integer
              && integer.isSigned()
              && integer.getBitWidth() == bytes * 8;
      case STRING -> logical instanceof StringLogicalTypeAnnotation;
      default -> false;
    };
  }
}
