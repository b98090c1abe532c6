package org.torchbatch.spark.parquet;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.crypto.ParquetCryptoRuntimeException;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetInputFormat;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData.EncryptionType;
import org.apache.parquet.hadoop.util.HadoopCodecs;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.vectorized.ColumnVectorUtils;
import org.apache.spark.sql.execution.vectorized.ConstantColumnVector;
import org.apache.spark.sql.execution.vectorized.OffHeapColumnVector;
import org.apache.spark.sql.execution.vectorized.WritableColumnVector;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The columnar batches of one file split (the row groups whose middle falls in it, as Spark's own
 * reader picks them), in the off-heap vectors Spark's reader returns when
 * spark.sql.columnVector.offheap.enabled is on. Its column chunks are read ahead ({@link
 * ChunkStreams}) unless {@link #READ_AHEAD} is 0, then read whole by parquet-mr a row group at a
 * time. It owns the read-aheads or parquet-mr's file reader, the codecs and the batch's vectors;
 * {@link #close} releases them.
 */
public final class ParquetSplitBatches implements Iterator<ColumnarBatch>, Closeable {
  /**
   * Bytes of a split's column chunks read ahead of the pages being decoded, shared out among its
   * columns by size; 0 reads each row group's chunks whole before its first page, as parquet-mr
   * does.
   */
  public static final String READ_AHEAD = "spark.torchbatch.parquet.readAhead";

  static final long DEFAULT_READ_AHEAD = 32L << 20;
  private static final Set<Encoding> READABLE =
      EnumSet.of(Encoding.PLAIN, Encoding.RLE, Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);

  private final Path path;
  // null when the chunks are read ahead: the footer's stream is closed once they start
  private final ParquetFileReader reader;
  private final SnappyPageCodecs codecs;
  private final NativeBuffers buffers;
  private final List<ColumnLayout> layouts;
  private final ColumnCursor[] cursors;
  private final WritableColumnVector[] vectors;
  private final ColumnarBatch batch;
  private final int capacity;
  // null when parquet-mr reads each row group's chunks whole
  private final ChunkStreams streams;
  private long rowsLeft;

  private ParquetSplitBatches(
      Path path,
      ParquetFileReader reader,
      SnappyPageCodecs codecs,
      NativeBuffers buffers,
      List<ColumnLayout> layouts,
      StructType required,
      StructType partitions,
      InternalRow partitionValues,
      int capacity,
      ChunkStreams streams) {
    this.path = path;
    this.reader = reader;
    this.codecs = codecs;
    this.buffers = buffers;
    this.layouts = layouts;
    this.capacity = capacity;
    this.streams = streams;
    this.cursors =
        layouts.stream().map(l -> new ColumnCursor(l, buffers)).toArray(ColumnCursor[]::new);
    // off the heap, so that the predict operator hands the values to Arrow without a copy
    this.vectors = OffHeapColumnVector.allocateColumns(capacity, required);
    ColumnVector[] all = new ColumnVector[vectors.length + partitions.size()];
    System.arraycopy(vectors, 0, all, 0, vectors.length);
    for (int i = 0; i < partitions.size(); i++) {
      var constant = new ConstantColumnVector(capacity, partitions.fields()[i].dataType());
      ColumnVectorUtils.populate(constant, partitionValues, i);
      all[vectors.length + i] = constant;
    }
    this.batch = new ColumnarBatch(all);
  }

  /**
   * Opens the split {@code [start, start + length)} of {@code path}, or returns null when the file
   * holds a requested column this reader leaves to Spark's (a type it does not copy, an encoding it
   * does not decode, a column missing from the file, encryption).
   */
  public static ParquetSplitBatches open(
      Configuration conf,
      Path path,
      long start,
      long length,
      StructType required,
      StructType partitions,
      InternalRow partitionValues,
      int capacity)
      throws IOException {
    NativeBuffers buffers = new NativeBuffers();
    var codecs = new SnappyPageCodecs(HadoopCodecs.newFactory(conf, 0), buffers);
    try {
      ParquetSplitBatches batches =
          open(
              conf,
              path,
              start,
              length,
              required,
              partitions,
              partitionValues,
              capacity,
              codecs,
              buffers);
      if (batches == null) {
        codecs.close();
        buffers.close();
      }
      return batches;
    } catch (IOException | RuntimeException e) {
      codecs.close();
      buffers.close();
      throw e;
    }
  }

  /**
   * {@link #open} with {@code codecs} and {@code buffers}, which the caller frees if this fails.
   */
  private static ParquetSplitBatches open(
      Configuration conf,
      Path path,
      long start,
      long length,
      StructType required,
      StructType partitions,
      InternalRow partitionValues,
      int capacity,
      SnappyPageCodecs codecs,
      NativeBuffers buffers)
      throws IOException {
    var builder =
        HadoopReadOptions.builder(conf, path)
            .withRange(start, start + length)
            .withCodecFactory(codecs);
    if (!vectoredReads(conf, path)) {
      builder.withAllocator(buffers);
    }
    // one file status (a NameNode call on HDFS) serves the footer's reader and the read-aheads
    InputFile input = HadoopInputFile.fromPath(path, conf);
    ParquetFileReader reader;
    try {
      reader = ParquetFileReader.open(input, builder.build());
    } catch (ParquetCryptoRuntimeException e) {
      return null;
    }
    ChunkStreams streams = null;
    try {
      List<ColumnLayout> layouts = layouts(reader, required);
      if (layouts == null) {
        reader.close();
        return null;
      }
      long readAhead = conf.getLongBytes(READ_AHEAD, DEFAULT_READ_AHEAD);
      if (readAhead > 0
          && !conf.getBoolean(ParquetInputFormat.PAGE_VERIFY_CHECKSUM_ENABLED, false)) {
        streams =
            ChunkStreams.start(
                input, path.toString(), reader.getRowGroups(), layouts, readAhead, codecs, buffers);
        // the read-aheads open streams of their own: an idle one is a held connection on a store
        reader.close();
        reader = null;
      } else {
        List<Type> fields = new ArrayList<>();
        MessageType file = reader.getFooter().getFileMetaData().getSchema();
        for (var field : required.fields()) {
          fields.add(file.getType(field.name()));
        }
        reader.setRequestedSchema(new MessageType(file.getName(), fields));
      }
      return new ParquetSplitBatches(
          path,
          reader,
          codecs,
          buffers,
          layouts,
          required,
          partitions,
          partitionValues,
          capacity,
          streams);
    } catch (IOException | RuntimeException e) {
      if (streams != null) {
        streams.close();
      }
      if (reader != null) {
        reader.close();
      }
      throw e;
    }
  }

  /**
   * Whether to leave column chunks to parquet-mr's vectored reads, which read a row group's ranges
   * in parallel on object stores but only into heap buffers (parquet-mr turns them off for direct
   * ones). HDFS and local files read the ranges one after another either way, so there the chunks
   * go into kept off-heap blocks instead. {@code parquet.hadoop.vectored.io.enabled}, when set,
   * decides.
   */
  static boolean vectoredReads(Configuration conf, Path path) {
    String set = conf.get(ParquetInputFormat.HADOOP_VECTORED_IO_ENABLED);
    if (set != null) {
      return Boolean.parseBoolean(set);
    }
    String scheme = path.toUri().getScheme();
    return !(scheme == null || scheme.equals("file") || scheme.equals("hdfs"));
  }

  private static List<ColumnLayout> layouts(ParquetFileReader reader, StructType required) {
    var meta = reader.getFooter().getFileMetaData();
    if (meta.getEncryptionType() != EncryptionType.UNENCRYPTED) {
      return null;
    }
    List<ColumnLayout> layouts = new ArrayList<>();
    for (var field : required.fields()) {
      ColumnLayout layout = ColumnLayout.of(field, meta.getSchema());
      if (layout == null) {
        return null;
      }
      layouts.add(layout);
    }
    for (BlockMetaData block : reader.getRowGroups()) {
      for (ColumnLayout layout : layouts) {
        if (!readable(layout.chunkIn(block).getEncodings(), layout)) {
          return null;
        }
      }
    }
    return layouts;
  }

  // parquet-mr names BIT_PACKED for levels whose maximum is 0, which are not stored at all
  private static boolean readable(Set<Encoding> encodings, ColumnLayout layout) {
    Set<Encoding> readable = EnumSet.copyOf(READABLE);
    if (layout.maxRepetition() == 0 || layout.maxDefinition() == 0) {
      readable.add(Encoding.BIT_PACKED);
    }
    return readable.containsAll(encodings);
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
    return batch;
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
