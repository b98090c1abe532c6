package org.torchbatch.runtime;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Tensor element types torchbatch moves between columns and models, named as PyTorch names them.
 */
public enum DType {
  FLOAT32("float32", "FloatStorage", 4, true),
  FLOAT64("float64", "DoubleStorage", 8, true),
  FLOAT16("float16", "HalfStorage", 2, true),
  BFLOAT16("bfloat16", "BFloat16Storage", 2, true),
  INT64("int64", "LongStorage", 8, false),
  INT32("int32", "IntStorage", 4, false),
  INT16("int16", "ShortStorage", 2, false),
  INT8("int8", "CharStorage", 1, false),
  UINT8("uint8", "ByteStorage", 1, false),
  BOOL("bool", "BoolStorage", 1, false);

  private final String torchName;
  private final String storageClass;
  private final int byteSize;
  private final boolean floating;

  DType(String torchName, String storageClass, int byteSize, boolean floating) {
    this.torchName = torchName;
    this.storageClass = storageClass;
    this.byteSize = byteSize;
    this.floating = floating;
  }

  /** The name PyTorch prints, e.g. {@code float32}. */
  public String torchName() {
    return torchName;
  }

  public int byteSize() {
    return byteSize;
  }

  public boolean isFloating() {
    return floating;
  }

  /**
   * The dtype an output of this dtype is stored as in a table column: the one widening rule every
   * column type (Arrow's, Spark's) follows. Half floats widen to float32 (no Spark type holds
   * them); uint8 widens to int16 (Spark's byte is signed).
   */
  public DType columnDType() {
    return switch (this) {
      case FLOAT16, BFLOAT16 -> FLOAT32;
      case UINT8 -> INT16;
      default -> this;
    };
  }

  @Override
  public String toString() {
    return torchName;
  }

  /**
   * Parses PyTorch's names and their common aliases ({@code float}, {@code double}, {@code long}).
   */
  public static DType parse(String name) {
    String key = name.trim().toLowerCase(Locale.ROOT).replace("torch.", "");
    switch (key) {
      case "float":
        return FLOAT32;
      case "double":
        return FLOAT64;
      case "half":
        return FLOAT16;
      case "long":
        return INT64;
      case "int":
        return INT32;
      case "short":
        return INT16;
      case "boolean":
        return BOOL;
      default:
        for (DType type : values()) {
          if (type.torchName.equals(key)) {
            return type;
          }
        }
        throw new IllegalArgumentException(
            "Unknown dtype '"
                + name
                + "': use one of "
                + Arrays.stream(values()).map(DType::torchName).collect(Collectors.joining(", ")));
    }
  }

  /** The dtype of a pickled {@code torch.XStorage} class name, or null for one torchbatch lacks. */
  public static DType fromStorageClass(String storageClass) {
    for (DType type : values()) {
      if (type.storageClass.equals(storageClass)) {
        return type;
      }
    }
    return null;
  }
}
