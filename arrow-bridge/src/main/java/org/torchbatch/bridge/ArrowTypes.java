package org.torchbatch.bridge;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.torchbatch.runtime.DType;

/** Which Arrow vectors hold which tensor dtypes, both ways. */
final class ArrowTypes {
  private ArrowTypes() {}

  /** The dtype of a primitive vector's elements, or null when it is not a numeric primitive. */
  static DType dtypeOf(FieldVector vector) {
    if (vector instanceof Float4Vector) {
      return DType.FLOAT32;
    } else if (vector instanceof Float8Vector) {
      return DType.FLOAT64;
    } else if (vector instanceof Float2Vector) {
      return DType.FLOAT16;
    } else if (vector instanceof BigIntVector) {
      return DType.INT64;
    } else if (vector instanceof IntVector) {
      return DType.INT32;
    } else if (vector instanceof SmallIntVector) {
      return DType.INT16;
    } else if (vector instanceof TinyIntVector) {
      return DType.INT8;
    } else if (vector instanceof UInt1Vector) {
      return DType.UINT8;
    } else if (vector instanceof BitVector) {
      return DType.BOOL;
    }
    return null;
  }

  /** The Arrow type of a column holding outputs of this dtype ({@link DType#columnDType}). */
  static ArrowType columnType(DType dtype) {
    return switch (dtype.columnDType()) {
      case FLOAT32 -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case FLOAT64 -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case INT64 -> new ArrowType.Int(64, true);
      case INT32 -> new ArrowType.Int(32, true);
      case INT16 -> new ArrowType.Int(16, true);
      case INT8 -> new ArrowType.Int(8, true);
      case BOOL -> ArrowType.Bool.INSTANCE;
      default -> throw new IllegalArgumentException("no column type for " + dtype);
    };
  }
}
