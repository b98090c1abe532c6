package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/** Whole files read through the split reader, as this module's tests open and drain them. */
final class Splits {
  private Splits() {}

  /** The file's bytes up to {@code length}, without partitions or a filter, as Spark reads it. */
  static SplitRequest whole(
      Configuration conf, org.apache.hadoop.fs.Path path, long length, StructType required) {
    return new SplitRequest(
        conf,
        path,
        0,
        length,
        required,
        new StructType(),
        new GenericInternalRow(0),
        4096,
        false,
        schema -> null);
  }

  /** A local file's batches, or null where the reader leaves the file to Spark's. */
  static ParquetSplitBatches open(Configuration conf, Path file, StructType required)
      throws IOException {
    return SplitOpener.open(
        whole(conf, new org.apache.hadoop.fs.Path(file.toUri()), Files.size(file), required));
  }

  /** Reads every batch left, handing each to {@code each}; the rows read. */
  static long drain(ParquetSplitBatches batches, Consumer<ColumnarBatch> each) {
    long rows = 0;
    while (batches.hasNext()) {
      ColumnarBatch batch = batches.next();
      each.accept(batch);
      rows += batch.numRows();
    }
    return rows;
  }

  static long drain(ParquetSplitBatches batches) {
    return drain(batches, batch -> {});
  }
}
