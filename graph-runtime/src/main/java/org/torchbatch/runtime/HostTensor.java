package org.torchbatch.runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A dense, row-major tensor in host memory: the value passed into and out of a model. The buffer is
 * little-endian; a direct buffer is handed to libtorch without a copy, so it must stay valid until
 * the call that uses it has returned (or, for outputs, until the result is closed).
 */
public record HostTensor(DType dtype, long[] shape, ByteBuffer data) {

  public HostTensor {
    long bytes = numel(shape) * dtype.byteSize();
    if (data.remaining() != bytes) {
      throw new IllegalArgumentException(
          "tensor "
              + dtype
              + Arrays.toString(shape)
              + " needs "
              + bytes
              + " bytes, buffer has "
              + data.remaining());
    }
    data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  public static long numel(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  public long numel() {
    return numel(shape);
  }

  public static HostTensor ofFloats(float[] values, long... shape) {
    ByteBuffer buffer = allocate(values.length * 4L);
    buffer.asFloatBuffer().put(values);
    return new HostTensor(DType.FLOAT32, shape, buffer);
  }

  /**
   * Builds a tensor of any dtype from double values (rounding as a cast would); not for hot paths.
   */
  public static HostTensor fromDoubles(DType dtype, long[] shape, double[] values) {
    ByteBuffer buffer = allocate((long) values.length * dtype.byteSize());
    for (int i = 0; i < values.length; i++) {
      write(buffer, dtype, i, values[i]);
    }
    return new HostTensor(dtype, shape, buffer);
  }

  private static void write(ByteBuffer out, DType dtype, int i, double value) {
    switch (dtype) {
      case FLOAT32 -> out.putFloat(i * 4, (float) value);
      case FLOAT64 -> out.putDouble(i * 8, value);
      case FLOAT16 -> out.putShort(i * 2, HalfFloats.fromFloat((float) value));
      case BFLOAT16 -> out.putShort(i * 2, (short) (Float.floatToRawIntBits((float) value) >>> 16));
      case INT64 -> out.putLong(i * 8, (long) value);
      case INT32 -> out.putInt(i * 4, (int) value);
      case INT16 -> out.putShort(i * 2, (short) value);
      case INT8, UINT8 -> out.put(i, (byte) (long) value);
      case BOOL -> out.put(i, (byte) (value != 0 ? 1 : 0));
      default -> throw new IllegalStateException("unhandled dtype " + dtype);
    }
  }

  /** Allocates a zeroed little-endian direct buffer, the layout libtorch reads without a copy. */
  public static ByteBuffer allocate(long bytes) {
    return ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** {@code float32[4, 10]}. */
  public String describe() {
    return dtype + Arrays.toString(shape);
  }

  /** Every element widened to double, for checks and printing; not for hot paths. */
  public double[] toDoubles() {
    int count = Math.toIntExact(numel());
    double[] out = new double[count];
    ByteBuffer in = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      out[i] = readAsDouble(in, i);
    }
    return out;
  }

  private double readAsDouble(ByteBuffer in, int i) {
    switch (dtype) {
      case FLOAT32:
        return in.getFloat(i * 4);
      case FLOAT64:
        return in.getDouble(i * 8);
      case FLOAT16:
        return HalfFloats.toFloat(in.getShort(i * 2));
      case BFLOAT16:
        return Float.intBitsToFloat((in.getShort(i * 2) & 0xffff) << 16);
      case INT64:
        return in.getLong(i * 8);
      case INT32:
        return in.getInt(i * 4);
      case INT16:
        return in.getShort(i * 2);
      case INT8:
        return in.get(i);
      case UINT8:
        return in.get(i) & 0xff;
      case BOOL:
        return in.get(i) != 0 ? 1 : 0;
      default:
        throw new IllegalStateException("unhandled dtype " + dtype);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof HostTensor that
        && dtype == that.dtype
        && Arrays.equals(shape, that.shape)
        && data.equals(that.data);
  }

  @Override
  public int hashCode() {
    return 31 * dtype.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "HostTensor[" + describe() + "]";
  }
}
