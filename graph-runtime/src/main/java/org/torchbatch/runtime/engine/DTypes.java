package org.torchbatch.runtime.engine;

import ai.djl.ndarray.types.DataType;
import org.torchbatch.runtime.DType;

/** Maps torchbatch dtypes to DJL's and back. */
final class DTypes {
  private DTypes() {}

  static DataType toDjl(DType dtype) {
    switch (dtype) {
      case FLOAT32:
        return DataType.FLOAT32;
      case FLOAT64:
        return DataType.FLOAT64;
      case FLOAT16:
        return DataType.FLOAT16;
      case BFLOAT16:
        return DataType.BFLOAT16;
      case INT64:
        return DataType.INT64;
      case INT32:
        return DataType.INT32;
      case INT16:
        return DataType.INT16;
      case INT8:
        return DataType.INT8;
      case UINT8:
        return DataType.UINT8;
      case BOOL:
        return DataType.BOOLEAN;
      default:
        throw new IllegalArgumentException("no DJL type for " + dtype);
    }
  }

  static DType fromDjl(DataType type, String output) {
    for (DType dtype : DType.values()) {
      if (toDjl(dtype) == type) {
        return dtype;
      }
    }
    throw new ModelExecutionException(
        "output " + output + " has dtype " + type + ", which torchbatch cannot turn into a column");
  }
}
