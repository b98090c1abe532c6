package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.HadoopReadOptions;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.crypto.ParquetCryptoRuntimeException;
import org.apache.parquet.filter2.compat.FilterCompat;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetInputFormat;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.FileMetaData.EncryptionType;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.hadoop.util.HadoopCodecs;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.network.util.JavaUtils;
import org.torchbatch.spark.TorchbatchConf;

/**
 * Opens a file split for {@link ParquetSplitBatches}: reads its footer once, decides whether this
 * reader takes the file, drops the row groups the pushed filter rules out, and starts the column
 * chunks' read-aheads.
 */
public final class SplitOpener {
  /**
   * Bytes of a split's column chunks read ahead of the pages being decoded, shared out among its
   * columns by size; 0 reads each row group's chunks whole before its first page, as parquet-mr
   * does.
   */
  public static final String READ_AHEAD = TorchbatchConf.READ_AHEAD.name();

  /**
   * Bytes of off-heap blocks (read-aheads, chunks, pages, and the free blocks kept for the next
   * reader) all of an executor's readers may hold at once.
   */
  public static final String OFF_HEAP_LIMIT = TorchbatchConf.OFF_HEAP_LIMIT.name();

  static final long DEFAULT_READ_AHEAD =
      JavaUtils.byteStringAsBytes(TorchbatchConf.READ_AHEAD.defaultValue());
  private static final Set<Encoding> READABLE =
      EnumSet.of(Encoding.PLAIN, Encoding.RLE, Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);

  private SplitOpener() {}

  /**
   * The batches of {@code request}'s split, or null when the file holds a requested column this
   * reader leaves to Spark's (a type it does not copy, an encoding it does not decode, a column
   * missing from the file or matched twice, encryption).
   */
  public static ParquetSplitBatches open(SplitRequest request) throws IOException {
    NativeBuffers.limit(request.conf().getLongBytes(OFF_HEAP_LIMIT, NativeBuffers.DEFAULT_LIMIT));
    NativeBuffers buffers = new NativeBuffers();
    var codecs = new SnappyPageCodecs(HadoopCodecs.newFactory(request.conf(), 0), buffers);
    try {
      ParquetSplitBatches batches = open(request, codecs, buffers);
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
      SplitRequest request, SnappyPageCodecs codecs, NativeBuffers buffers) throws IOException {
    Configuration conf = request.conf();
    Path path = request.path();
    // pages are checked against their CRCs unless the conf says not to (Spark's reader checks none)
    boolean verifyChecksums =
        conf.getBoolean(ParquetInputFormat.PAGE_VERIFY_CHECKSUM_ENABLED, true);
    var options =
        HadoopReadOptions.builder(conf, path)
            .withRange(request.start(), request.start() + request.length())
            .withCodecFactory(codecs)
            .usePageChecksumVerification(verifyChecksums);
    if (!vectoredReads(conf, path)) {
      options.withAllocator(buffers);
    }
    // one file status (a NameNode call on HDFS) serves the footer's reader and the read-aheads
    InputFile input = HadoopInputFile.fromPath(path, conf);
    SeekableInputStream footerStream = input.newStream();
    ParquetFileReader reader = null;
    ChunkStreams streams = null;
    try {
      ParquetMetadata footer;
      try {
        footer = ParquetFileReader.readFooter(input, options.build(), footerStream);
      } catch (ParquetCryptoRuntimeException e) {
        footerStream.close();
        return null;
      }
      List<ParquetColumnLayout> layouts = layouts(footer, request);
      if (layouts == null) {
        footerStream.close();
        return null;
      }
      FilterPredicate predicate = request.filter().apply(footer.getFileMetaData().getSchema());
      if (predicate != null) {
        options.withRecordFilter(FilterCompat.get(predicate));
      }
      // the reader owns the footer's stream from here, and drops the row groups the filter rules
      // out
      reader = new ParquetFileReader(input, footer, options.build(), footerStream);
      long readAhead = conf.getLongBytes(READ_AHEAD, DEFAULT_READ_AHEAD);
      if (readAhead > 0) {
        streams =
            ChunkStreams.start(
                input,
                path.toString(),
                reader.getRowGroups(),
                layouts,
                readAhead,
                codecs,
                buffers,
                verifyChecksums);
        // the read-aheads open streams of their own: an idle one is a held connection on a store
        reader.close();
        reader = null;
      } else {
        MessageType file = footer.getFileMetaData().getSchema();
        List<Type> fields = new ArrayList<>();
        for (ParquetColumnLayout layout : layouts) {
          fields.add(file.getType(layout.descriptor().getPath()[0]));
        }
        reader.setRequestedSchema(new MessageType(file.getName(), fields));
      }
      return new ParquetSplitBatches(request, reader, codecs, buffers, layouts, streams);
    } catch (IOException | RuntimeException e) {
      if (streams != null) {
        streams.close();
      }
      if (reader != null) {
        reader.close();
      } else {
        footerStream.close();
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

  private static List<ParquetColumnLayout> layouts(ParquetMetadata footer, SplitRequest request) {
    var meta = footer.getFileMetaData();
    if (meta.getEncryptionType() != EncryptionType.UNENCRYPTED) {
      return null;
    }
    List<ParquetColumnLayout> layouts = new ArrayList<>();
    for (var field : request.required().fields()) {
      ParquetColumnLayout layout =
          ParquetColumnLayout.of(field, meta.getSchema(), request.caseSensitive());
      if (layout == null) {
        return null;
      }
      layouts.add(layout);
    }
    for (BlockMetaData block : footer.getBlocks()) {
      for (ParquetColumnLayout layout : layouts) {
        if (!readable(layout.chunkIn(block).getEncodings(), layout)) {
          return null;
        }
      }
    }
    return layouts;
  }

  // parquet-mr names BIT_PACKED for levels whose maximum is 0, which are not stored at all
  private static boolean readable(Set<Encoding> encodings, ParquetColumnLayout layout) {
    Set<Encoding> readable = EnumSet.copyOf(READABLE);
    if (layout.maxRepetition() == 0 || layout.maxDefinition() == 0) {
      readable.add(Encoding.BIT_PACKED);
    }
    return readable.containsAll(encodings);
  }
}
