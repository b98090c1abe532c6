package org.torchbatch.spark.parquet;

import java.nio.ByteBuffer;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.spark.unsafe.Platform;

/** Reading a page's bytes, in an array or off the heap, as {@link Platform} addresses them. */
final class PageBytes {
  private PageBytes() {}

  /**
   * The little-endian int at {@code offset} from {@code address} (in {@code base}, or off-heap).
   */
  static int intAt(Object base, long address, int offset) {
    return (Platform.getByte(base, address + offset) & 0xFF)
        | (Platform.getByte(base, address + offset + 1) & 0xFF) << 8
        | (Platform.getByte(base, address + offset + 2) & 0xFF) << 16
        | (Platform.getByte(base, address + offset + 3) & 0xFF) << 24;
  }

  /**
   * The length prefix of {@code what} at {@code offset} of {@code size} bytes at {@code address},
   * checked against the bytes that follow.
   */
  static int lengthAt(Object base, long address, int size, int offset, String what) {
    if (offset < 0 || offset + 4 > size) {
      throw new ParquetDecodingException(what + " missing: its page ends first");
    }
    int length = intAt(base, address, offset);
    if (length < 0 || offset + 4 + length > size) {
      throw new ParquetDecodingException(what + " of " + length + " bytes runs past its page");
    }
    return length;
  }

  /** A page's bytes as an array: the decompressed array itself when it is one, else a copy. */
  static byte[] bytesOf(ByteBuffer buffer) {
    if (buffer.hasArray()
        && buffer.arrayOffset() + buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      return buffer.array();
    }
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }
}
