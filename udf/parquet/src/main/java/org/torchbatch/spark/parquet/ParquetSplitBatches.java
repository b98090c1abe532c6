package org.torchbatch.spark.parquet;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.spark.sql.execution.vectorized.ColumnVectorUtils;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The columnar batches of one file split (the row groups whose middle falls in it, as Spark's own
 * reader picks them, less those the pushed filter rules out), in the off-heap vectors Spark's
 * reader returns when spark.sql.columnVector.offheap.enabled is on. {@link SplitOpener} opens it.
 * Its column chunks are read ahead ({@link ChunkStreams}) unless {@link SplitOpener#READ_AHEAD} is
 * 0, then read whole by parquet-mr a row group at a time. It owns the read-aheads or parquet-mr's
 * file reader, the codecs and the batch's vectors; {@link #close} releases them.
 */
public final class ParquetSplitBatches implements Iterator<ColumnarBatch>, Closeable {
  private final Path path;
  // null when the chunks are read ahead: the footer's stream is closed once they start
  private final ParquetFileReader reader;
  private final SnappyPageCodecs codecs;
  private final NativeBuffers buffers;
  private final List<ParquetColumnLayout> layouts;
  private final ColumnCursor[] cursors;
  private final WritableColumnVector[] vectors;
  private final ColumnarBatch batch;
  private final int capacity;
  // null when parquet-mr reads each row group's chunks whole
  private final ChunkStreams streams;
  private long rowsLeft;
  private long rowGroupRows;

  ParquetSplitBatches(
      SplitRequest request,
      ParquetFileReader reader,
      SnappyPageCodecs codecs,
      NativeBuffers buffers,
      List<ParquetColumnLayout> layouts,
      ChunkStreams streams) {
    this.path = request.path();
    this.reader = reader;
    this.codecs = codecs;
    this.buffers = buffers;
    this.layouts = layouts;
    this.capacity = request.capacity();
    this.streams = streams;
    this.cursors =
        layouts.stream().map(l -> new ColumnCursor(l, buffers)).toArray(ColumnCursor[]::new);
    // off the heap, so that the predict operator hands the values to Arrow without a copy
    this.vectors = OffHeapColumnVector.allocateColumns(capacity, request.required());
    StructType partitions = request.partitions();
    ColumnVector[] all = new ColumnVector[vectors.length + partitions.size()];
    System.arraycopy(vectors, 0, all, 0, vectors.length);
    for (int i = 0; i < partitions.size(); i++) {
      var constant = new ConstantColumnVector(capacity, partitions.fields()[i].dataType());
      ColumnVectorUtils.populate(constant, request.partitionValues(), i);
      all[vectors.length + i] = constant;
    }
    this.batch = new ColumnarBatch(all);
  }

  @Override
  public boolean hasNext() {
    try {
      while (rowsLeft == 0) {
        // the last row group's chunks and pages are all read: their buffers go back first
        for (ColumnCursor cursor : cursors) {
          cursor.endRowGroup();
        }
        buffers.releaseAll();
        if (streams != null) {
          if (!streams.hasNextRowGroup()) {
            return false;
          }
          rowsLeft = streams.nextRowGroup();
          rowGroupRows = rowsLeft;
          for (int i = 0; i < cursors.length; i++) {
            try {
              cursors[i].start(streams.pages(i));
            } catch (RuntimeException e) {
              throw new ParquetDecodingException(problem(i, e.getMessage()), e);
            }
          }
          continue;
        }
        PageReadStore rowGroup = reader.readNextRowGroup();
        if (rowGroup == null) {
          return false;
        }
        rowsLeft = rowGroup.getRowCount();
        rowGroupRows = rowsLeft;
        for (int i = 0; i < cursors.length; i++) {
          cursors[i].start(rowGroup.getPageReader(layouts.get(i).descriptor()));
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
    }
  }

  @Override
  public ColumnarBatch next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    int rows = (int) Math.min(capacity, rowsLeft);
    for (int i = 0; i < cursors.length; i++) {
      vectors[i].reset();
      int read;
      try {
        read = cursors[i].read(vectors[i], rows);
      } catch (RuntimeException e) {
        throw new ParquetDecodingException(problem(i, e.getMessage()), e);
      }
      if (read != rows) {
        throw new ParquetDecodingException(
            problem(i, "its pages hold " + read + " rows where the row group needs " + rows));
      }
    }
    batch.setNumRows(rows);
    rowsLeft -= rows;
    if (rowsLeft == 0) {
      finishRowGroup();
    }
    return batch;
  }

  private void finishRowGroup() {
    for (int i = 0; i < cursors.length; i++) {
      try {
        cursors[i].finishRowGroup(rowGroupRows);
      } catch (RuntimeException e) {
        throw new ParquetDecodingException(problem(i, e.getMessage()), e);
      }
    }
  }

  private String problem(int column, String what) {
    return "Cannot read column "
        + String.join(".", layouts.get(column).descriptor().getPath())
        + " of "
        + path
        + ": "
        + what
        + " (spark.read.parquet reads it with Spark's own reader)";
  }

  /** Off-heap buffers this reader holds now, for tests. */
  int lentBuffers() {
    return buffers.lentCount();
  }

  @Override
  public void close() throws IOException {
    batch.close();
    try {
      if (streams != null) {
        streams.close();
      }
      if (reader != null) {
        reader.close();
      }
    } finally {
      codecs.close();
      buffers.close();
    }
  }
}
