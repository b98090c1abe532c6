package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.spark.testing.SparkTestBase;

/**
 * The off-heap blocks Spark's memory manager does not see: bounded per executor, and in its
 * metrics.
 */
class OffHeapLimitTest extends SparkTestBase {
  private static final StructType FEATURES =
      new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType, false));

  @TempDir Path dir;
  private Path file;

  /** One row group whose features chunk is about 5 MB of floats that do not compress. */
  @BeforeEach
  void write() throws IOException {
    Path folder = dir.resolve("floats");
    spark
        .sql(
            "SELECT transform(sequence(0, 63), i -> CAST(rand(7) AS FLOAT)) AS features"
                + " FROM range(0, 20000, 1, 1)")
        .write()
        .parquet(folder.toString());
    try (Stream<Path> files = Files.list(folder)) {
      file = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }

  @Test
  void aReadPastTheLimitFailsNamingItAndHoldsNothing() throws Exception {
    long before = NativeBuffers.lentBytes();
    for (String readAhead : new String[] {"16m", "0"}) {
      Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
      conf.set(SplitOpener.OFF_HEAP_LIMIT, "1m");
      conf.set(SplitOpener.READ_AHEAD, readAhead);
      Throwable error = catchThrowable(() -> drain(conf));
      assertThat(error).as("read ahead %s", readAhead).isNotNull();
      assertThat(messages(error)).contains(SplitOpener.OFF_HEAP_LIMIT + " (1048576)");
      for (int wait = 0; wait < 500 && NativeBuffers.lentBytes() != before; wait++) {
        Thread.sleep(10);
      }
      assertThat(NativeBuffers.lentBytes()).as("read ahead %s", readAhead).isEqualTo(before);
    }
    // the limit is the configuration's: unset, the same read passes
    assertThat(drain(new Configuration(spark.sparkContext().hadoopConfiguration())))
        .isEqualTo(20000);
  }

  @Test
  void theExecutorsMetricsShowItsBlocks() throws IOException {
    drain(new Configuration(spark.sparkContext().hadoopConfiguration()));
    var sources =
        SparkEnv.get()
            .metricsSystem()
            .getSourcesByName("plugin." + ReaderMetricsPlugin.class.getName());
    assertThat(sources.size()).isEqualTo(1);
    MetricRegistry metrics = sources.head().metricRegistry();
    assertThat(value(metrics, "offHeapPeakBytes")).isGreaterThanOrEqualTo(4L << 20);
    assertThat(value(metrics, "offHeapKeptBytes")).isEqualTo(NativeBuffers.keptBytes());
    assertThat(value(metrics, "offHeapHeldBytes")).isEqualTo(NativeBuffers.lentBytes());
  }

  private static long value(MetricRegistry metrics, String name) {
    Gauge<?> gauge = metrics.getGauges().get(name);
    assertThat(gauge).as(name).isNotNull();
    return (Long) gauge.getValue();
  }

  private long drain(Configuration conf) throws IOException {
    try (ParquetSplitBatches batches = Splits.open(conf, file, FEATURES)) {
      return Splits.drain(batches);
    }
  }

  private static String messages(Throwable error) {
    StringBuilder all = new StringBuilder();
    for (Throwable at = error; at != null; at = at.getCause()) {
      all.append(at.getMessage()).append('\n');
    }
    return all.toString();
  }
}
