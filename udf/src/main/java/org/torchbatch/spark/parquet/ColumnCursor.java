package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.unsafe.Platform;

/**
 * Reads one column of a row group, page by page, into Spark vectors: a value, or a list of fixed
 * width values. A list page whose levels say "every element present" (the usual feature vector)
 * costs a walk over its repetition runs and one bulk copy of its values; other pages go level by
 * level. A page is read where it lies, in an array or off the heap; it goes back to the reader's
 * {@link NativeBuffers} when the next one is read.
 */
final class ColumnCursor {
  private final ColumnLayout layout;
  private final NativeBuffers buffers;
  private final LevelRuns repetition = new LevelRuns();
  private final LevelRuns definition = new LevelRuns();
  private final LevelRuns idRuns = new LevelRuns();
  private PageReader pages;
  private byte[] dictionary;
  private int dictionarySize;
  private int[] dictionaryOffsets;

  // the current page: its buffer, and its bytes as Platform addresses them (base null: off-heap)
  private ByteBuffer page;
  private Object base;
  private long address;
  private int length;
  private byte[] bytes; // the page as an array, for strings and binary
  private int valueBase;
  private boolean dictionaryEncoded;
  private int[] ids;
  private int valuePos;
  private int byteOffset;
  private int levels;
  private int levelPos;
  private boolean dense;
  private int[] repLevels;
  private int[] defLevels;
  private int run;

  ColumnCursor(ColumnLayout layout, NativeBuffers buffers) {
    this.layout = layout;
    this.buffers = buffers;
  }

  /** Starts on this column's chunk in the next row group. */
  void start(PageReader pages) throws IOException {
    this.pages = pages;
    DictionaryPage dictionaryPage = pages.readDictionaryPage();
    dictionary = null;
    dictionarySize = 0;
    if (dictionaryPage != null) {
      ByteBuffer buffer = dictionaryPage.getBytes().toByteBuffer();
      dictionary = bytesOf(buffer);
      dictionarySize = dictionaryPage.getDictionarySize();
      buffers.releasePage(buffer);
    }
    if (dictionary != null && !layout.type().fixedWidth()) {
      dictionaryOffsets = new int[dictionarySize];
      for (int id = 0, offset = 0; id < dictionarySize; id++) {
        dictionaryOffsets[id] = offset;
        offset +=
            4
                + lengthAt(
                    dictionary,
                    Platform.BYTE_ARRAY_OFFSET,
                    dictionary.length,
                    offset,
                    "a dictionary value");
      }
    } else if (dictionary != null && dictionary.length < dictionarySize * layout.type().bytes) {
      throw new ParquetDecodingException(
          "dictionary page shorter than its " + dictionarySize + " values");
    }
    levels = 0;
    levelPos = 0;
  }

  /**
   * Fills rows {@code [0, rows)} of {@code vector}; returns how many it filled (fewer at the
   * chunk's end).
   */
  int read(WritableColumnVector vector, int rows) {
    return layout.list() ? readLists(vector, rows) : readValues(vector, rows);
  }

  private int readValues(WritableColumnVector vector, int rows) {
    int row = 0;
    while (row < rows) {
      if (levelPos == levels && !nextPage()) {
        break;
      }
      int k = Math.min(rows - row, levels - levelPos);
      if (dense) {
        putValues(vector, row, k);
      } else {
        for (int j = 0; j < k; j++) {
          if (defLevels[levelPos + j] == layout.maxDefinition()) {
            putValues(vector, row + j, 1);
          } else {
            vector.putNull(row + j);
          }
        }
      }
      levelPos += k;
      row += k;
    }
    return row;
  }

  private int readLists(WritableColumnVector vector, int rows) {
    WritableColumnVector child = vector.arrayData();
    int row = 0;
    int elements = 0;
    int open = -1; // first element of the row still being read
    boolean full = false;
    while (!full) {
      if (levelPos == levels) {
        if (!nextPage()) {
          break;
        }
        if (open < 0 && levels > 0 && firstRepetition() != 0) {
          throw new ParquetDecodingException("a page starts inside a row that has no start");
        }
      }
      int from = levelPos;
      int end = levels;
      if (dense) {
        // before putArray, which off-heap vectors check against the values' capacity
        child.reserve(elements + (end - from));
        scan:
        for (; run < repetition.runs(); run++) {
          if (repetition.value(run) != 0) {
            continue;
          }
          for (int p = Math.max(repetition.start(run), from); p < repetition.end(run); p++) {
            if (row == rows) {
              end = p;
              full = true;
              break scan;
            }
            int first = elements + (p - from);
            if (open >= 0) {
              vector.putArray(row - 1, open, first - open);
            }
            open = first;
            row++;
          }
        }
        putValues(child, elements, end - from);
        elements += end - from;
      } else {
        int p = from;
        for (; p < levels; p++) {
          int d = defLevels[p];
          if (repLevels[p] == 0) {
            if (row == rows) {
              full = true;
              break;
            }
            if (open >= 0) {
              vector.putArray(row - 1, open, elements - open);
            }
            open = elements;
            row++;
            if (d < layout.listDefinition()) {
              vector.putNull(row - 1);
              continue;
            }
          } else if (d <= layout.listDefinition()) {
            throw new ParquetDecodingException(
                "level " + p + " continues a list that its definition level says is empty or null");
          }
          if (d > layout.listDefinition()) {
            child.reserve(elements + 1);
            if (d == layout.maxDefinition()) {
              putValues(child, elements, 1);
            } else {
              child.putNull(elements);
            }
            elements++;
          }
        }
        end = p;
      }
      levelPos = end;
    }
    if (open >= 0) {
      vector.putArray(row - 1, open, elements - open);
    }
    return row;
  }

  private int firstRepetition() {
    return dense ? repetition.value(0) : repLevels[0];
  }

  private void putValues(WritableColumnVector vector, int row, int count) {
    ValueType type = layout.type();
    if (!type.fixedWidth()) {
      for (int j = 0; j < count; j++) {
        putBytes(vector, row + j, valuePos + j);
      }
    } else if (!dictionaryEncoded) {
      long offset = valueBase + (long) valuePos * type.bytes;
      if (offset + (long) count * type.bytes > length) {
        throw new ParquetDecodingException(
            "page holds fewer values than its levels say (" + (valuePos + count) + " needed)");
      }
      type.copy(vector, row, count, base, address + offset);
    } else {
      for (int j = 0; j < count; j++) {
        type.put(vector, row + j, 1, dictionary, dictionaryId(valuePos + j) * type.bytes);
      }
    }
    valuePos += count;
  }

  /** One string or byte array: length-prefixed in the page, or found through the dictionary. */
  private void putBytes(WritableColumnVector vector, int row, int value) {
    if (dictionaryEncoded) {
      int id = dictionaryId(value);
      vector.putByteArray(row, dictionary, dictionaryOffsets[id] + 4, dictionaryLength(id));
      return;
    }
    int size = lengthAt(bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length, byteOffset, "a value");
    vector.putByteArray(row, bytes, byteOffset + 4, size);
    byteOffset += 4 + size;
  }

  private int dictionaryId(int value) {
    int id = ids[value];
    if (id < 0 || id >= dictionarySize) {
      throw new ParquetDecodingException(
          "dictionary id " + id + " outside a dictionary of " + dictionarySize);
    }
    return id;
  }

  private int dictionaryLength(int id) {
    return intAt(dictionary, Platform.BYTE_ARRAY_OFFSET, dictionaryOffsets[id]);
  }

  private static int intAt(Object base, long address, int offset) {
    return (Platform.getByte(base, address + offset) & 0xFF)
        | (Platform.getByte(base, address + offset + 1) & 0xFF) << 8
        | (Platform.getByte(base, address + offset + 2) & 0xFF) << 16
        | (Platform.getByte(base, address + offset + 3) & 0xFF) << 24;
  }

  /**
   * The length prefix of {@code what} at {@code offset} of {@code size} bytes at {@code address},
   * checked against the bytes that follow.
   */
  private static int lengthAt(Object base, long address, int size, int offset, String what) {
    if (offset < 0 || offset + 4 > size) {
      throw new ParquetDecodingException(what + " missing: its page ends first");
    }
    int length = intAt(base, address, offset);
    if (length < 0 || offset + 4 + length > size) {
      throw new ParquetDecodingException(what + " of " + length + " bytes runs past its page");
    }
    return length;
  }

  private boolean nextPage() {
    if (page != null
        && levelPos == levels
        && !dictionaryEncoded
        && byteOffset != length
        && !layout.type().fixedWidth()) {
      throw new ParquetDecodingException(
          "page holds " + (length - byteOffset) + " bytes past the values its levels say");
    }
    releasePage();
    DataPage next = pages.readPage();
    if (next == null) {
      return false;
    }
    levels = next.getValueCount();
    Encoding encoding;
    try {
      if (next instanceof DataPageV1 v1) {
        if (!levelsReadable(v1.getRlEncoding(), layout.maxRepetition())
            || !levelsReadable(v1.getDlEncoding(), layout.maxDefinition())) {
          throw new ParquetDecodingException("levels encoded as BIT_PACKED are not read here");
        }
        setPage(v1.getBytes());
        int pos = decodeLevels(repetition, layout.maxRepetition(), 0);
        valueBase = decodeLevels(definition, layout.maxDefinition(), pos);
        encoding = v1.getValueEncoding();
      } else {
        DataPageV2 v2 = (DataPageV2) next;
        decodeLevels(repetition, layout.maxRepetition(), v2.getRepetitionLevels().toByteArray());
        decodeLevels(definition, layout.maxDefinition(), v2.getDefinitionLevels().toByteArray());
        setPage(v2.getData());
        valueBase = 0;
        encoding = v2.getDataEncoding();
      }
    } catch (IOException e) {
      throw new ParquetDecodingException("cannot read a page: " + e.getMessage(), e);
    }
    levelPos = 0;
    valuePos = 0;
    byteOffset = valueBase;
    run = 0;
    dense = layout.maxDefinition() == 0 || definition.single() == layout.maxDefinition();
    if (!dense) {
      defLevels = definition.expand(defLevels);
      repLevels = layout.maxRepetition() > 0 ? repetition.expand(repLevels) : null;
    }
    dictionaryEncoded = encoding.usesDictionary();
    if (dictionaryEncoded) {
      if (dictionary == null) {
        throw new ParquetDecodingException("a dictionary-encoded page without a dictionary");
      }
      int present = dense ? levels : definition.countOf(layout.maxDefinition());
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
    } else if (layout.type().fixedWidth()) {
      checkFixedWidthValues();
    }
    return true;
  }

  /** A plain page of fixed-width values holds exactly as many as its levels say are present. */
  private void checkFixedWidthValues() {
    long present = dense ? levels : definition.countOf(layout.maxDefinition());
    long expected = present * layout.type().bytes;
    if (expected != length - valueBase) {
      throw new ParquetDecodingException(
          "page holds "
              + (length - valueBase)
              + " bytes of values where its levels say "
              + present
              + " values of "
              + layout.type().bytes
              + " bytes");
    }
  }

  /** Reads the next page where it lies; strings and binary need it as an array. */
  private void setPage(BytesInput input) throws IOException {
    page = input.toByteBuffer();
    length = page.remaining();
    if (page.isDirect() && layout.type().fixedWidth()) {
      base = null;
      address = MemoryUtil.getByteBufferAddress(page) + page.position();
      return;
    }
    bytes = bytesOf(page);
    base = bytes;
    address = Platform.BYTE_ARRAY_OFFSET;
  }

  /** Gives the page's buffer back to the reader (if it lent it) once its values are copied. */
  private void releasePage() {
    if (page != null) {
      buffers.releasePage(page);
      page = null;
    }
  }

  /**
   * After the row group's last row: levels left over mean the pages hold more rows than the row
   * group says (a damaged repetition level splits a row, and every row after it shifts).
   */
  void finishRowGroup(long rowGroupRows) {
    while (levelPos == levels) {
      if (!nextPage()) {
        return;
      }
    }
    throw new ParquetDecodingException(
        "its pages hold more rows than the row group's " + rowGroupRows);
  }

  /** Lets go of the row group's last page, before the reader takes its buffers back. */
  void endRowGroup() {
    releasePage();
  }

  /** A page's bytes as an array: the decompressed array itself when it is one, else a copy. */
  private static byte[] bytesOf(ByteBuffer buffer) {
    if (buffer.hasArray()
        && buffer.arrayOffset() + buffer.position() == 0
        && buffer.remaining() == buffer.array().length) {
      return buffer.array();
    }
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }

  private static boolean levelsReadable(Encoding encoding, int maxLevel) {
    return maxLevel == 0 || encoding == Encoding.RLE;
  }

  /** Decodes a v1 page's length-prefixed levels at {@code pos}; returns where they end. */
  private int decodeLevels(LevelRuns runs, int maxLevel, int pos) {
    if (maxLevel == 0) {
      return pos;
    }
    int size = lengthAt(base, address, length, pos, "levels");
    runs.decode(
        base, address, pos + 4, pos + 4 + size, BytesUtils.getWidthFromMaxInt(maxLevel), levels);
    return pos + 4 + size;
  }

  private void decodeLevels(LevelRuns runs, int maxLevel, byte[] bytes) {
    if (maxLevel > 0) {
      runs.decode(bytes, 0, bytes.length, BytesUtils.getWidthFromMaxInt(maxLevel), levels);
    }
  }
}
