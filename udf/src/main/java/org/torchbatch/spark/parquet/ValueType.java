package org.torchbatch.spark.parquet;

import java.nio.ByteOrder;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.Platform;

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

  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
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

  /**
   * Copies {@code count} fixed-width values from {@code address} in {@code base} (an array, or null
   * for native memory) into rows {@code row...}: one memory copy into an off-heap vector on a
   * little-endian machine, as Parquet stores them.
   */
  void copy(WritableColumnVector vector, int row, int count, Object base, long address) {
    if (vector instanceof OffHeapColumnVector offHeap && LITTLE_ENDIAN) {
      Platform.copyMemory(
          base,
          address,
          null,
          offHeap.valuesNativeAddress() + (long) row * bytes,
          (long) count * bytes);
    } else if (base instanceof byte[] array) {
      put(vector, row, count, array, (int) (address - Platform.BYTE_ARRAY_OFFSET));
    } else {
      byte[] values = new byte[count * bytes];
      Platform.copyMemory(null, address, values, Platform.BYTE_ARRAY_OFFSET, values.length);
      put(vector, row, count, values, 0);
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
