package org.torchbatch.spark.parquet;

import java.io.IOException;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;

/**
 * Reads one column of a row group, page by page, into Spark vectors: a value, or a list of fixed
 * width values. A list page whose levels say "every element present" (the usual feature vector)
 * costs a walk over its repetition runs and one bulk copy of its values; other pages go level by
 * level. A page is read where it lies, in an array or off the heap; it goes back to the reader's
 * {@link NativeBuffers} when the next one is read.
 */
final class ColumnCursor {
  private final ParquetColumnLayout layout;
  private final NativeBuffers buffers;
  private final LevelRuns repetition = new LevelRuns();
  private final LevelRuns definition = new LevelRuns();
  private final PageValues values;
  private PageReader pages;
  private int levels;
  private int levelPos;
  private boolean dense;
  private int[] repLevels;
  private int[] defLevels;
  private int run;

  ColumnCursor(ParquetColumnLayout layout, NativeBuffers buffers) {
    this.layout = layout;
    this.buffers = buffers;
    this.values = new PageValues(layout.type(), buffers);
  }

  /** Starts on this column's chunk in the next row group. */
  void start(PageReader pages) throws IOException {
    this.pages = pages;
    DictionaryPage dictionary = pages.readDictionaryPage();
    values.dictionary(
        dictionary == null ? null : ColumnDictionary.read(dictionary, layout.type(), buffers));
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
        values.put(vector, row, k);
      } else {
        for (int j = 0; j < k; j++) {
          if (defLevels[levelPos + j] == layout.maxDefinition()) {
            values.put(vector, row + j, 1);
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
        values.put(child, elements, end - from);
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
              values.put(child, elements, 1);
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

  private boolean nextPage() {
    values.finish();
    values.release();
    DataPage next = pages.readPage();
    if (next == null) {
      return false;
    }
    levels = next.getValueCount();
    Encoding encoding;
    int valueBase;
    try {
      if (next instanceof DataPageV1 v1) {
        if (!levelsReadable(v1.getRlEncoding(), layout.maxRepetition())
            || !levelsReadable(v1.getDlEncoding(), layout.maxDefinition())) {
          throw new ParquetDecodingException("levels encoded as BIT_PACKED are not read here");
        }
        values.load(v1.getBytes());
        int pos = decodeLevels(repetition, layout.maxRepetition(), 0);
        valueBase = decodeLevels(definition, layout.maxDefinition(), pos);
        encoding = v1.getValueEncoding();
      } else {
        DataPageV2 v2 = (DataPageV2) next;
        decodeLevels(repetition, layout.maxRepetition(), v2.getRepetitionLevels().toByteArray());
        decodeLevels(definition, layout.maxDefinition(), v2.getDefinitionLevels().toByteArray());
        values.load(v2.getData());
        valueBase = 0;
        encoding = v2.getDataEncoding();
      }
    } catch (IOException e) {
      throw new ParquetDecodingException("cannot read a page: " + e.getMessage(), e);
    }
    levelPos = 0;
    run = 0;
    dense = layout.maxDefinition() == 0 || definition.single() == layout.maxDefinition();
    if (!dense) {
      defLevels = definition.expand(defLevels);
      repLevels = layout.maxRepetition() > 0 ? repetition.expand(repLevels) : null;
    }
    values.start(valueBase, encoding, dense ? levels : definition.countOf(layout.maxDefinition()));
    return true;
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
    values.release();
  }

  private static boolean levelsReadable(Encoding encoding, int maxLevel) {
    return maxLevel == 0 || encoding == Encoding.RLE;
  }

  /** Decodes a v1 page's length-prefixed levels at {@code pos}; returns where they end. */
  private int decodeLevels(LevelRuns runs, int maxLevel, int pos) {
    if (maxLevel == 0) {
      return pos;
    }
    Object base = values.base();
    long address = values.address();
    int size = PageBytes.lengthAt(base, address, values.length(), pos, "levels");
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
