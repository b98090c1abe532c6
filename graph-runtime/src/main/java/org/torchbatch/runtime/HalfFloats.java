package org.torchbatch.runtime;

/** IEEE 754 binary16 conversions (Java 17 has no Float.float16ToFloat). */
public final class HalfFloats {
  private HalfFloats() {}

  public static float toFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }

  /** Rounds to nearest even, as PyTorch's {@code .half()} does. */
  public static short fromFloat(float value) {
    int bits = Float.floatToRawIntBits(value);
    int sign = (bits >>> 16) & 0x8000;
    int exponent = (bits >>> 23) & 0xff;
    int mantissa = bits & 0x7fffff;
    if (exponent == 0xff) {
      return (short) (sign | 0x7c00 | (mantissa != 0 ? 0x200 : 0));
    }
    int halfExponent = exponent - 112;
    if (halfExponent >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (halfExponent <= 0) {
      if (halfExponent < -10) {
        return (short) sign;
      }
      int full = mantissa | 0x800000;
      int shift = 14 - halfExponent;
      int rounded = (full >> shift) + roundBit(full, shift);
      return (short) (sign | rounded);
    }
    int rounded = (halfExponent << 10 | mantissa >> 13) + roundBit(mantissa, 13);
    return (short) (sign | rounded);
  }

  private static int roundBit(int value, int shift) {
    int halfway = 1 << (shift - 1);
    int remainder = value & ((1 << shift) - 1);
    boolean odd = ((value >> shift) & 1) != 0;
    return remainder > halfway || (remainder == halfway && odd) ? 1 : 0;
  }
}
