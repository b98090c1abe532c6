package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.spark.testing.CountedStorage;
import org.torchbatch.spark.testing.SparkTestBase;

/** A split holds open only the streams it still reads from, as object stores hold connections. */
class SplitStreamsTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void readingAheadLetsTheFootersStreamGoAtOnce() throws Exception {
    Path file = severalRowGroups();
    Configuration conf = countedConf();
    try (ParquetSplitBatches batches = open(conf, file)) {
      long rows = Splits.drain(batches);
      assertThat(rows).isEqualTo(30_000);
      // each column's read-ahead closes its stream after its last chunk; nothing else is open
      for (int wait = 0; wait < 500 && CountedStorage.openStreams() != 0; wait++) {
        Thread.sleep(10);
      }
      assertThat(CountedStorage.openStreams()).isZero();
    }
    assertThat(CountedStorage.openStreams()).isZero();
  }

  @Test
  void readingWholeKeepsParquetMrsStreamUntilClosed() throws IOException {
    Path file = severalRowGroups();
    Configuration conf = countedConf();
    conf.set(SplitOpener.READ_AHEAD, "0");
    ParquetSplitBatches batches = open(conf, file);
    assertThat(Splits.drain(batches)).isEqualTo(30_000);
    assertThat(CountedStorage.openStreams()).isEqualTo(1);
    batches.close();
    assertThat(CountedStorage.openStreams()).isZero();
  }

  private Path severalRowGroups() throws IOException {
    Path folder = dir.resolve("input");
    spark
        .sql(
            "SELECT id, transform(sequence(0, 31), i -> CAST(id + i AS FLOAT)) AS features"
                + " FROM range(0, 30000, 1, 1)")
        .write()
        .option("parquet.block.size", "1000000")
        .parquet(folder.toString());
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }

  private static Configuration countedConf() {
    Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
    conf.set("fs.counted.impl", CountedStorage.class.getName());
    conf.setBoolean("fs.counted.impl.disable.cache", true);
    CountedStorage.forgetStreams();
    return conf;
  }

  private static ParquetSplitBatches open(Configuration conf, Path file) throws IOException {
    StructType required =
        new StructType()
            .add("id", DataTypes.LongType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    return SplitOpener.open(
        Splits.whole(
            conf, new org.apache.hadoop.fs.Path("counted://" + file), Files.size(file), required));
  }
}
