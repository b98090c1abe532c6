package org.torchbatch.spark.parquet;

import java.io.Closeable;
import java.util.List;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;

/**
 * A split's row groups with each requested column's chunks streamed by a {@link ChunkReadAhead} of
 * its own, which shares out the split's read-ahead bytes by the columns' sizes.
 */
final class ChunkStreams implements Closeable {
  // a small column's read-ahead, unless the whole is set smaller: a block of 64 KiB per slot
  private static final long LEAST_AHEAD = ChunkReadAhead.BLOCKS * (64L << 10);

  private final List<BlockMetaData> rowGroups;
  private final ColumnChunkMetaData[][] chunks;
  private final ChunkReadAhead[] columns;
  private final CompressionCodecFactory codecs;
  private final NativeBuffers buffers;
  private final boolean verifyChecksums;
  private int next;

  private ChunkStreams(
      List<BlockMetaData> rowGroups,
      ColumnChunkMetaData[][] chunks,
      ChunkReadAhead[] columns,
      CompressionCodecFactory codecs,
      NativeBuffers buffers,
      boolean verifyChecksums) {
    this.rowGroups = rowGroups;
    this.chunks = chunks;
    this.columns = columns;
    this.codecs = codecs;
    this.buffers = buffers;
    this.verifyChecksums = verifyChecksums;
  }

  /**
   * Starts reading ahead the chunks of {@code layouts} in {@code rowGroups} of {@code file}; pages
   * are checked against their CRCs if {@code verifyChecksums}.
   */
  static ChunkStreams start(
      InputFile file,
      String path,
      List<BlockMetaData> rowGroups,
      List<ParquetColumnLayout> layouts,
      long readAhead,
      CompressionCodecFactory codecs,
      NativeBuffers buffers,
      boolean verifyChecksums) {
    ColumnChunkMetaData[][] chunks = new ColumnChunkMetaData[layouts.size()][rowGroups.size()];
    long[] columnBytes = new long[layouts.size()];
    long allBytes = 0;
    for (int c = 0; c < layouts.size(); c++) {
      for (int g = 0; g < rowGroups.size(); g++) {
        chunks[c][g] = layouts.get(c).chunkIn(rowGroups.get(g));
        columnBytes[c] += chunks[c][g].getTotalSize();
      }
      allBytes += columnBytes[c];
    }
    ChunkReadAhead[] columns = new ChunkReadAhead[layouts.size()];
    try {
      for (int c = 0; c < layouts.size(); c++) {
        long[][] ranges = new long[rowGroups.size()][];
        for (int g = 0; g < rowGroups.size(); g++) {
          ranges[g] = new long[] {chunks[c][g].getStartingPos(), chunks[c][g].getTotalSize()};
        }
        long share = (long) (readAhead * (columnBytes[c] / (double) Math.max(1, allBytes)));
        columns[c] =
            new ChunkReadAhead(
                file, path, ranges, Math.max(Math.min(LEAST_AHEAD, readAhead), share));
      }
    } catch (RuntimeException | Error e) {
      closeAll(columns);
      throw e;
    }
    return new ChunkStreams(rowGroups, chunks, columns, codecs, buffers, verifyChecksums);
  }

  boolean hasNextRowGroup() {
    return next < rowGroups.size();
  }

  /** Moves to the next row group; returns its rows. */
  long nextRowGroup() {
    return rowGroups.get(next++).getRowCount();
  }

  /** The pages of column {@code column} in the current row group. */
  StreamedPages pages(int column) {
    ColumnChunkMetaData chunk = chunks[column][next - 1];
    CompressionCodecName codec = chunk.getCodec();
    return new StreamedPages(
        columns[column],
        chunk.getTotalSize(),
        chunk.getValueCount(),
        codec == CompressionCodecName.UNCOMPRESSED ? null : codecs.getDecompressor(codec),
        buffers,
        verifyChecksums);
  }

  @Override
  public void close() {
    closeAll(columns);
  }

  private static void closeAll(ChunkReadAhead[] columns) {
    for (ChunkReadAhead column : columns) {
      if (column != null) {
        column.close();
      }
    }
  }
}
