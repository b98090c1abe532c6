package org.torchbatch.job.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Inputs of the cases: rows of an id and {@code width} random floats, as Parquet or in memory. */
final class BenchData {
  private static final ByteBuffer SCRATCH = ByteBuffer.allocateDirect(8 << 20);

  private BenchData() {}

  /** Random-valued rows, so Parquet stores them as a real feature column would be (plain). */
  static Dataset<Row> rows(SparkSession spark, long rows, int width, int partitions) {
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    return spark
        .range(0, rows, 1, partitions)
        .mapPartitions(
            (MapPartitionsFunction<Long, Row>) ids -> new FeatureRows(ids, width),
            Encoders.row(schema));
  }

  /** A Parquet folder of {@code rows} rows under {@code dir}, written on first use only. */
  static String parquet(SparkSession spark, Path dir, long rows, int width) {
    Path path = dir.resolve("features" + width + "-" + rows);
    if (!Files.exists(path.resolve("_SUCCESS"))) {
      int partitions = (int) Math.max(2, rows * width * 4 / (64L << 20));
      rows(spark, rows, width, partitions)
          .write()
          .mode("overwrite")
          .option("parquet.enable.dictionary", "false")
          .parquet(path.toString());
    }
    return path.toString();
  }

  /**
   * Reads every file in {@code folder} once, untimed, so that the next run finds them in the page
   * cache. This VM drops cached pages of files left unread for a minute or two even with gigabytes
   * free, and a job that then reads the disk (9-20% slower here, on either Parquet reader, reading
   * ahead or not) would be compared with raw, which reads nothing, and with rounds that found the
   * pages still cached.
   */
  static synchronized void intoPageCache(String folder) {
    try (Stream<Path> files = Files.list(Path.of(folder))) {
      for (Path file : (Iterable<Path>) files::iterator) {
        try (FileChannel channel = FileChannel.open(file)) {
          while (channel.read(SCRATCH.clear()) >= 0) {
            // the pages read are what counts, not the bytes
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + folder, e);
    }
  }

  /** The rows cached in memory (two partitions, one per core) as temporary view {@code name}. */
  static Dataset<Row> cached(SparkSession spark, String name, long rows, int width) {
    Dataset<Row> data = rows(spark, rows, width, 2).cache();
    data.count();
    data.createOrReplaceTempView(name);
    return data;
  }

  /** xorshift per row, seeded by the id: fast, reproducible, incompressible. */
  private record FeatureRows(Iterator<Long> ids, int width) implements Iterator<Row> {
    @Override
    public boolean hasNext() {
      return ids.hasNext();
    }

    @Override
    public Row next() {
      long id = ids.next();
      long state = id * 0x9E3779B97F4A7C15L + 1;
      float[] features = new float[width];
      for (int i = 0; i < width; i++) {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        features[i] = (state >>> 40) * 0x1.0p-24f - 0.5f;
      }
      return RowFactory.create(id, features);
    }
  }
}
