package org.torchbatch.spark;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import org.apache.spark.sql.execution.vectorized.OnHeapColumnVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Copies values straight from the Java array behind an {@link OnHeapColumnVector}: its public
 * getters ({@code getFloats}) return a fresh array, which would cost a second copy of every batch
 * and as much garbage. Spark keeps these arrays private, so they are read through a private lookup
 * (the classpath's unnamed module opens them); where that fails, callers use the public getters.
 */
final class OnHeapArrays {
  private static final VarHandle FLOATS = field("floatData", float[].class);
  private static final VarHandle DOUBLES = field("doubleData", double[].class);
  private static final VarHandle INTS = field("intData", int[].class);
  private static final VarHandle LONGS = field("longData", long[].class);
  private static final VarHandle SHORTS = field("shortData", short[].class);
  private static final VarHandle BYTES = field("byteData", byte[].class);

  private OnHeapArrays() {}

  /**
   * Puts values {@code [from, from + target.remaining() / width)} of {@code source} into {@code
   * target} (little-endian); false when they cannot be read this way (dictionary-encoded values are
   * ids, or the array is out of reach) and nothing was copied.
   */
  static boolean copy(OnHeapColumnVector source, int from, ByteBuffer target) {
    DataType type = source.dataType();
    VarHandle handle = handle(type);
    if (handle == null || source.hasDictionary()) {
      return false;
    }
    Object data = handle.get(source);
    int count = target.remaining() / SparkTypes.width(type);
    if (data instanceof float[] floats) {
      target.asFloatBuffer().put(floats, from, count);
    } else if (data instanceof double[] doubles) {
      target.asDoubleBuffer().put(doubles, from, count);
    } else if (data instanceof int[] ints) {
      target.asIntBuffer().put(ints, from, count);
    } else if (data instanceof long[] longs) {
      target.asLongBuffer().put(longs, from, count);
    } else if (data instanceof short[] shorts) {
      target.asShortBuffer().put(shorts, from, count);
    } else if (data instanceof byte[] bytes) {
      target.put(bytes, from, count);
    } else {
      return false;
    }
    return true;
  }

  private static VarHandle handle(DataType type) {
    if (type.equals(DataTypes.FloatType)) {
      return FLOATS;
    } else if (type.equals(DataTypes.DoubleType)) {
      return DOUBLES;
    } else if (type.equals(DataTypes.IntegerType)) {
      return INTS;
    } else if (type.equals(DataTypes.LongType)) {
      return LONGS;
    } else if (type.equals(DataTypes.ShortType)) {
      return SHORTS;
    } else if (type.equals(DataTypes.ByteType)) {
      return BYTES;
    }
    return null;
  }

  private static VarHandle field(String name, Class<?> type) {
    try {
      return MethodHandles.privateLookupIn(OnHeapColumnVector.class, MethodHandles.lookup())
          .findVarHandle(OnHeapColumnVector.class, name, type);
    } catch (ReflectiveOperationException | IllegalAccessError | SecurityException e) {
      return null;
    }
  }
}
