package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.unsafe.Platform;

/** A column chunk's dictionary page, its values checked to be all there before an id is read. */
final class ColumnDictionary {
  private final ValueType type;
  private final byte[] values;
  private final int size;
  // where each length-prefixed string or byte array starts; null for fixed-width values
  private final int[] offsets;

  private ColumnDictionary(ValueType type, byte[] values, int size, int[] offsets) {
    this.type = type;
    this.values = values;
    this.size = size;
    this.offsets = offsets;
  }

  /** The dictionary of {@code page}, whose buffer goes back to {@code buffers} once copied. */
  static ColumnDictionary read(DictionaryPage page, ValueType type, NativeBuffers buffers)
      throws IOException {
    ByteBuffer buffer = page.getBytes().toByteBuffer();
    byte[] values = PageBytes.bytesOf(buffer);
    buffers.releasePage(buffer);
    int size = page.getDictionarySize();
    if (type.fixedWidth()) {
      if (values.length < (long) size * type.bytes) {
        throw new ParquetDecodingException("dictionary page shorter than its " + size + " values");
      }
      return new ColumnDictionary(type, values, size, null);
    }
    int[] offsets = new int[size];
    for (int id = 0, offset = 0; id < size; id++) {
      offsets[id] = offset;
      offset +=
          4
              + PageBytes.lengthAt(
                  values, Platform.BYTE_ARRAY_OFFSET, values.length, offset, "a dictionary value");
    }
    return new ColumnDictionary(type, values, size, offsets);
  }

  /** Puts the value of dictionary id {@code id} in row {@code row} of {@code vector}. */
  void put(WritableColumnVector vector, int row, int id) {
    if (id < 0 || id >= size) {
      throw new ParquetDecodingException(
          "dictionary id " + id + " outside a dictionary of " + size);
    }
    if (offsets == null) {
      type.put(vector, row, 1, values, id * type.bytes);
    } else {
      int length = PageBytes.intAt(values, Platform.BYTE_ARRAY_OFFSET, offsets[id]);
      vector.putByteArray(row, values, offsets[id] + 4, length);
    }
  }
}
