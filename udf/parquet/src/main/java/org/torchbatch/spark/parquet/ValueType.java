package org.torchbatch.spark.parquet;

import java.nio.ByteOrder;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.StringLogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.spark.sql.catalyst.expressions.SpecializedGetters;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.Platform;

/**
 * The one table of the Spark types this module reads and writes and the Parquet types they are
 * stored as. The reader puts values into Spark vectors as stored (PLAIN, little-endian): fixed
 * width numbers, and strings or bytes ({@link #bytes} -1: each value length-prefixed); booleans,
 * bit-packed, are only written ({@link #bytes} 0).
 */
enum ValueType {
  BOOLEAN(0, DataTypes.BooleanType, PrimitiveTypeName.BOOLEAN),
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
      if (type != BOOLEAN
          && type.sparkType.equals(sparkType)
          && type.parquetType == stored.getPrimitiveTypeName()
          && type.asStored(stored.getLogicalTypeAnnotation())) {
        return type;
      }
    }
    return null;
  }

  /** The type values of {@code sparkType} are written as, or null. */
  static ValueType written(DataType sparkType) {
    for (ValueType type : values()) {
      if (type.sparkType.equals(sparkType)) {
        return type;
      }
    }
    return null;
  }

  /**
   * Writes the value at {@code ordinal} of a row or an array as Spark's writer converts it: strings
   * as their UTF-8 bytes, which parquet-mr copies if it keeps them.
   */
  void write(
      ColumnWriter writer, SpecializedGetters values, int ordinal, int repetition, int definition) {
    switch (this) {
      case BOOLEAN -> writer.write(values.getBoolean(ordinal), repetition, definition);
      case INT -> writer.write(values.getInt(ordinal), repetition, definition);
      case LONG -> writer.write(values.getLong(ordinal), repetition, definition);
      case FLOAT -> writer.write(values.getFloat(ordinal), repetition, definition);
      case DOUBLE -> writer.write(values.getDouble(ordinal), repetition, definition);
      case STRING ->
          writer.write(
              Binary.fromReusedByteArray(values.getUTF8String(ordinal).getBytes()),
              repetition,
              definition);
      case BYTES ->
          writer.write(
              Binary.fromReusedByteArray(values.getBinary(ordinal)), repetition, definition);
    }
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
