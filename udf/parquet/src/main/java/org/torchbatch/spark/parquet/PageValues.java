package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.unsafe.Platform;

/**
 * The values of one data page, read where the page lies (in an array, or off the heap for fixed
 * width values): PLAIN, or dictionary ids. Each read is checked against the page's bytes, and the
 * page must hold exactly the values its levels count. The page's buffer goes back to the reader's
 * {@link NativeBuffers} when the next page is loaded.
 */
final class PageValues {
  private final ValueType type;
  private final NativeBuffers buffers;
  private final LevelRuns idRuns = new LevelRuns();
  private ColumnDictionary dictionary;

  // the page: its buffer, and its bytes as Platform addresses them (base null: off-heap)
  private ByteBuffer page;
  private Object base;
  private long address;
  private int length;
  private byte[] bytes; // the page as an array, for strings and binary
  private int valueBase;
  private boolean dictionaryEncoded;
  private int[] ids;
  private int present;
  private int valuePos;
  private int byteOffset;

  PageValues(ValueType type, NativeBuffers buffers) {
    this.type = type;
    this.buffers = buffers;
  }

  /** The chunk's dictionary, or null when it has none. */
  void dictionary(ColumnDictionary dictionary) {
    this.dictionary = dictionary;
  }

  /** Gives the last page back and reads {@code input} where it lies. */
  void load(BytesInput input) throws IOException {
    release();
    page = input.toByteBuffer();
    length = page.remaining();
    if (page.isDirect() && type.fixedWidth()) {
      base = null;
      address = MemoryUtil.getByteBufferAddress(page) + page.position();
      return;
    }
    bytes = PageBytes.bytesOf(page);
    base = bytes;
    address = Platform.BYTE_ARRAY_OFFSET;
  }

  Object base() {
    return base;
  }

  long address() {
    return address;
  }

  int length() {
    return length;
  }

  /**
   * Starts on the page's {@code present} values, encoded as {@code encoding} from byte {@code
   * valueBase} on.
   */
  void start(int valueBase, Encoding encoding, int present) {
    this.valueBase = valueBase;
    this.present = present;
    valuePos = 0;
    byteOffset = valueBase;
    dictionaryEncoded = encoding.usesDictionary();
    if (dictionaryEncoded) {
      if (dictionary == null) {
        throw new ParquetDecodingException("a dictionary-encoded page without a dictionary");
      }
      if (present > 0) {
        if (valueBase >= length) {
          throw new ParquetDecodingException("a dictionary-encoded page with no ids");
        }
        int bitWidth = Platform.getByte(base, address + valueBase);
        idRuns.decode(base, address, valueBase + 1, length, bitWidth, present);
        ids = idRuns.expand(ids);
      }
    } else if (encoding != Encoding.PLAIN) {
      throw new ParquetDecodingException("values encoded as " + encoding + " are not read here");
    } else if (type.fixedWidth() && (long) present * type.bytes != length - valueBase) {
      throw new ParquetDecodingException(
          "page holds "
              + (length - valueBase)
              + " bytes of values where its levels say "
              + present
              + " values of "
              + type.bytes
              + " bytes");
    }
  }

  /** Puts the page's next {@code count} values in rows {@code [row, row + count)}. */
  void put(WritableColumnVector vector, int row, int count) {
    if (valuePos + count > present) {
      throw new ParquetDecodingException(
          "page holds fewer values than its levels say (" + (valuePos + count) + " needed)");
    }
    if (dictionaryEncoded) {
      for (int j = 0; j < count; j++) {
        dictionary.put(vector, row + j, ids[valuePos + j]);
      }
    } else if (type.fixedWidth()) {
      type.copy(vector, row, count, base, address + valueBase + (long) valuePos * type.bytes);
    } else {
      for (int j = 0; j < count; j++) {
        int size =
            PageBytes.lengthAt(
                bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length, byteOffset, "a value");
        vector.putByteArray(row + j, bytes, byteOffset + 4, size);
        byteOffset += 4 + size;
      }
    }
    valuePos += count;
  }

  /** Once every level of the page is read: plain strings must end where the page ends. */
  void finish() {
    if (page != null && !dictionaryEncoded && !type.fixedWidth() && byteOffset != length) {
      throw new ParquetDecodingException(
          "page holds " + (length - byteOffset) + " bytes past the values its levels say");
    }
  }

  /** Gives the page's buffer back to the reader (if it lent it) once its values are copied. */
  void release() {
    if (page != null) {
      buffers.releasePage(page);
      page = null;
    }
  }
}
