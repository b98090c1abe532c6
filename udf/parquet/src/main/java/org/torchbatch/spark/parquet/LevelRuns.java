package org.torchbatch.spark.parquet;

import java.util.Arrays;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.spark.unsafe.Platform;

/**
 * One page's levels (or dictionary ids) decoded from Parquet's RLE / bit-packing hybrid as runs of
 * equal values, so a page whose levels are all alike (a dense list column) costs a few runs, not
 * one int per value.
 */
final class LevelRuns {
  private int[] values = new int[64];
  private int[] starts = new int[65];
  private int count;
  private int total;

  /** Decodes {@code size} values from {@code src[from, to)}, written with {@code bitWidth} bits. */
  void decode(byte[] src, int from, int to, int bitWidth, int size) {
    decode(src, Platform.BYTE_ARRAY_OFFSET, from, to, bitWidth, size);
  }

  /**
   * Decodes {@code size} values from bytes {@code [from, to)} after {@code address} in {@code base}
   * (an array, or null for native memory), written with {@code bitWidth} bits.
   */
  void decode(Object base, long address, int from, int to, int bitWidth, int size) {
    count = 0;
    total = 0;
    int pos = from;
    int valueBytes = (bitWidth + 7) / 8;
    while (total < size) {
      if (pos < 0 || pos >= to) {
        throw new ParquetDecodingException(
            "RLE/bit-packed data ends after " + total + " of " + size + " values");
      }
      int header = 0;
      for (int shift = 0; ; shift += 7) {
        int b = byteAt(base, address, pos++, to);
        header |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      int runLength = header >>> 1;
      if ((header & 1) == 0) {
        if (runLength > size - total) {
          throw corrupt("a run of " + runLength + " values", size - total);
        }
        int value = 0;
        for (int i = 0; i < valueBytes; i++) {
          value |= (byteAt(base, address, pos++, to) & 0xFF) << (8 * i);
        }
        append(value, runLength);
      } else {
        // the last group of 8 may hold up to 7 values of padding, no more
        if ((long) runLength * 8 > size - total + 7L) {
          throw corrupt("a bit-packed run of " + runLength * 8L + " values", size - total);
        }
        unpack(base, address, pos, to, bitWidth, Math.min(runLength * 8, size - total));
        pos += runLength * bitWidth;
      }
    }
    // levels and values that disagree (a damaged run) leave bytes over, or run past the end
    if (pos < to || pos - to >= Math.max(bitWidth, 1)) {
      throw new ParquetDecodingException(
          "RLE/bit-packed data of " + (to - from) + " bytes holds other than " + size + " values");
    }
    starts[count] = total;
  }

  private ParquetDecodingException corrupt(String run, int left) {
    return new ParquetDecodingException(run + " where " + left + " values are left to decode");
  }

  // every read is checked: off-heap pages have no array bounds to stop a corrupt run
  private static byte byteAt(Object base, long address, int pos, int to) {
    if (pos < 0 || pos >= to) {
      throw new ParquetDecodingException("RLE/bit-packed run runs past its " + to + " bytes");
    }
    return Platform.getByte(base, address + pos);
  }

  /** Values set to one value when there is one run (or none), else -1. */
  int single() {
    return count == 1 ? values[0] : count == 0 ? 0 : -1;
  }

  int runs() {
    return count;
  }

  int value(int run) {
    return values[run];
  }

  int start(int run) {
    return starts[run];
  }

  int end(int run) {
    return starts[run + 1];
  }

  /** How many values equal {@code value}. */
  int countOf(int value) {
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (values[i] == value) {
        n += starts[i + 1] - starts[i];
      }
    }
    return n;
  }

  /** Writes every value out, one int each, into a array of at least the decoded size. */
  int[] expand(int[] reuse) {
    int[] out = reuse != null && reuse.length >= total ? reuse : new int[Math.max(total, 1024)];
    for (int i = 0; i < count; i++) {
      Arrays.fill(out, starts[i], starts[i + 1], values[i]);
    }
    return out;
  }

  private void unpack(Object base, long address, int pos, int to, int bitWidth, int n) {
    // a writer may cut the last group short (its missing bytes are padding), no more: a run that
    // claims more groups than the page holds is corrupt, not zeros
    long needed = ((long) n * bitWidth + 7) / 8;
    if (pos + needed - to >= Math.max(bitWidth, 1)) {
      throw new ParquetDecodingException(
          "a bit-packed run of "
              + n
              + " values needs "
              + needed
              + " bytes where "
              + Math.max(0, to - pos)
              + " remain");
    }
    int mask = bitWidth == 32 ? -1 : (1 << bitWidth) - 1;
    long acc = 0;
    int bits = 0;
    int p = pos;
    for (int i = 0; i < n; i++) {
      while (bits < bitWidth) {
        // a writer may end the last group early: the missing bytes are padding
        acc |= (p < to ? Platform.getByte(base, address + p) & 0xFFL : 0L) << bits;
        p++;
        bits += 8;
      }
      append((int) (acc & mask), 1);
      acc >>>= bitWidth;
      bits -= bitWidth;
    }
  }

  private void append(int value, int length) {
    if (length <= 0) {
      return;
    }
    if (count > 0 && values[count - 1] == value) {
      total += length;
      return;
    }
    if (count + 1 >= values.length) {
      values = Arrays.copyOf(values, values.length * 2);
      starts = Arrays.copyOf(starts, values.length + 1);
    }
    values[count] = value;
    starts[count] = total;
    count++;
    total += length;
  }
}
