package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchbatch.spark.testing.SparkTestBase;

/** torchbatch-parquet returns what Spark's own Parquet reader returns, for every shape of file. */
class TensorParquetFormatTest extends SparkTestBase {
  @TempDir Path dir;

  @AfterEach
  void resetConf() {
    spark.conf().unset("spark.sql.files.maxPartitionBytes");
    spark.conf().unset(SplitOpener.READ_AHEAD);
  }

  /** Chunks read whole (0), and read ahead in blocks of 1000 bytes that most pages span. */
  @ParameterizedTest
  @ValueSource(strings = {"0", "4000"})
  void denseFeatureListsAcrossPagesRowGroupsAndSplits(String readAhead) throws IOException {
    spark.conf().set(SplitOpener.READ_AHEAD, readAhead);
    // values that repeat at first (dictionary pages), then do not (plain pages in the same chunk)
    Dataset<Row> data =
        spark.sql(
            "SELECT id, transform(sequence(0, 36), i -> CAST(IF(id < 300, (id + i) % 7,"
                + " id * 37 + i) AS FLOAT) * 0.5f) AS features FROM range(0, 3000)");
    Path path =
        write(
            data,
            Map.of(
                "parquet.page.size", "4096",
                "parquet.block.size", "65536",
                "parquet.dictionary.page.size", "2048"));
    spark.conf().set("spark.sql.files.maxPartitionBytes", "100000");

    assertThat(encodings(path, "features.list.element"))
        .contains(Encoding.PLAIN, Encoding.PLAIN_DICTIONARY);
    assertSameAsSpark(path, "id", "features");
  }

  @Test
  void nullsEmptyListsNullElementsAndUnevenLengths() throws IOException {
    Dataset<Row> data =
        spark.sql(
            "SELECT id, IF(id % 11 = 0, NULL, CAST(id AS INT)) AS score, id * 0.25d AS weight,"
                + " IF(id % 19 = 0, NULL, concat('row-', id)) AS name,"
                + " CAST(id % 4 AS STRING) AS day, CAST(unhex(hex(id)) AS BINARY) AS tag,"
                + " CASE WHEN id % 13 = 0 THEN NULL WHEN id % 17 = 0 THEN array()"
                + " ELSE transform(sequence(0, CAST(id % 7 AS INT)),"
                + " i -> IF((id + i) % 5 = 0, NULL, CAST(id + i AS DOUBLE))) END AS features"
                + " FROM range(0, 2000)");
    Path path = write(data, Map.of("compression", "none", "parquet.page.size", "2048"));

    assertSameAsSpark(path, "id", "score", "weight", "name", "day", "hex(tag)", "features");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "4000"})
  void pagesOfFormatV2(String readAhead) throws IOException {
    spark.conf().set(SplitOpener.READ_AHEAD, readAhead);
    Dataset<Row> data =
        spark.sql(
            "SELECT id * 0.5d AS key, transform(sequence(0, 15), i -> CAST(id - i AS FLOAT))"
                + " AS features FROM range(0, 5000)");
    Path path =
        write(
            data,
            Map.of(
                "compression", "zstd",
                "parquet.writer.version", "v2",
                "parquet.page.size", "8192"));

    assertSameAsSpark(path, "key", "features");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "40000"})
  void snappyPagesSpanningTheReadersBuffers(String readAhead) throws IOException {
    spark.conf().set(SplitOpener.READ_AHEAD, readAhead);
    Dataset<Row> data =
        spark.sql(
            "SELECT id, transform(sequence(0, 63), i -> CAST(id * 64 + i AS FLOAT)) AS features"
                + " FROM range(0, 4000)");
    Path path =
        write(
            data,
            Map.of(
                "compression", "snappy",
                "parquet.page.size", "4096",
                "parquet.enable.dictionary", "false"));
    // chunks read whole into 10 KB buffers, or ahead in 10 KB blocks: most of the 4 KB pages
    // start in one buffer and end in the next
    spark.sparkContext().hadoopConfiguration().set("parquet.read.allocation.size", "10000");
    try {
      assertSameAsSpark(path, "id", "features");
    } finally {
      spark.sparkContext().hadoopConfiguration().unset("parquet.read.allocation.size");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "4000"})
  void aBrokenPageHeaderNamesItsColumnAndFile(String readAhead) throws IOException {
    spark.conf().set(SplitOpener.READ_AHEAD, readAhead);
    Path path =
        write(
            spark.sql(
                "SELECT id, transform(sequence(0, 15), i -> CAST(id + i AS FLOAT)) AS features"
                    + " FROM range(0, 5000)"),
            Map.of("parquet.enable.dictionary", "false"));
    Path file;
    try (Stream<Path> files = Files.list(path)) {
      file = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    long page;
    try (var reader =
        ParquetFileReader.open(
            HadoopInputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      page = reader.getRowGroups().get(0).getColumns().get(1).getFirstDataPageOffset();
    }
    try (var out = new RandomAccessFile(file.toFile(), "rw")) {
      out.seek(page);
      out.write(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
    }
    Files.delete(file.resolveSibling("." + file.getFileName() + ".crc"));

    var thrown =
        assertThatThrownBy(
                () ->
                    spark
                        .read()
                        .format(TensorParquetFormat.Name())
                        .load(path.toString())
                        .selectExpr("features")
                        .collectAsList())
            .hasStackTraceContaining("Cannot read")
            .hasStackTraceContaining(file.getFileName().toString());
    // parquet-mr reads a row group's chunks whole and does not say which one failed
    if (!readAhead.equals("0")) {
      thrown.hasStackTraceContaining("column features.list.element");
    }
  }

  /** Seeded shapes: nulls, lengths, repeats and page, row group and dictionary settings vary. */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 6})
  void randomShapesReadAsSparkReadsThem(int seed) throws IOException {
    String r = "pmod(hash(id, " + seed + "), 100)";
    String element = "pmod(hash(id, i, " + seed + "), 100)";
    int repeats = seed % 2 == 0 ? 5 : 100_000; // few distinct values: dictionary pages
    Dataset<Row> data =
        spark.sql(
            "SELECT id, IF("
                + r
                + " < "
                + seed * 5
                + ", NULL, CAST(id % "
                + repeats
                + " AS INT)) AS i, IF("
                + r
                + " < 10, NULL, id * 1.5d) AS d, IF("
                + r
                + " < 7, NULL, CAST(id % "
                + repeats
                + " AS STRING)) AS s, IF("
                + r
                + " < "
                + seed * 3
                + ", NULL, transform(sequence(1, pmod(hash(id), "
                + (seed * 7)
                + ") + "
                + (seed % 3 == 0 ? 16 : 1)
                + "), i -> IF("
                + element
                + " < "
                + (seed - 1) * 4
                + ", NULL, CAST((id + i) % "
                + repeats
                + " AS FLOAT)))) AS f,"
                + " IF("
                + r
                + " < 20, array(), array(id, id + 1)) AS l"
                + " FROM range(0, 4000)");
    Path path =
        write(
            data,
            Map.of(
                "parquet.page.size", String.valueOf(256 << seed),
                "parquet.block.size", String.valueOf(16_384 << seed),
                "parquet.enable.dictionary", String.valueOf(seed != 5),
                "parquet.writer.version", seed == 6 ? "v2" : "v1",
                "compression", List.of("snappy", "none", "zstd", "gzip").get(seed % 4)));

    // v2 writes ints and strings DELTA-encoded: those files are Spark's reader's
    assertThat(openAll(path, spark.read().parquet(path.toString()).schema())).isEqualTo(seed != 6);
    assertSameRows(path, "id", "i", "d", "s", "f", "l");
  }

  @Test
  void partitionColumnsComeFromTheDirectories() throws IOException {
    Path path = dir.resolve("partitioned");
    spark
        .sql(
            "SELECT id, id % 3 AS part, array(CAST(id AS FLOAT), 1.0f) AS features"
                + " FROM range(0, 900)")
        .write()
        .partitionBy("part")
        .parquet(path.toString());

    Dataset<Row> read =
        spark.read().format(TensorParquetFormat.Name()).load(path.toString()).orderBy("id");

    assertThat(read.columns()).containsExactly("id", "features", "part");
    assertThat(read.collectAsList())
        .isEqualTo(spark.read().parquet(path.toString()).orderBy("id").collectAsList());
    assertThat(read.where("part = 2").count()).isEqualTo(300);
    spark.sql("CREATE TABLE parts USING `torchbatch-parquet` LOCATION '" + path.toUri() + "'");
    try {
      spark.sql("MSCK REPAIR TABLE parts");
      assertThat(
              spark.sql("SELECT sum(features[0]) FROM parts WHERE part = 1").first().getDouble(0))
          .isEqualTo(spark.sql("SELECT sum(id) FROM range(1, 900, 3)").first().getLong(0));
    } finally {
      spark.sql("DROP TABLE parts");
    }
  }

  @Test
  void filesWithOtherTypesAreReadBySparksReader() throws IOException {
    Dataset<Row> data =
        spark.sql(
            "SELECT id, date_add(DATE'2026-01-01', CAST(id AS INT)) AS day,"
                + " array(CAST(id AS FLOAT)) AS features"
                + " FROM range(0, 500)");
    Path path = write(data, Map.of());

    assertThat(openAll(path, spark.read().parquet(path.toString()).schema())).isFalse();
    assertThat(
            spark
                .read()
                .format(TensorParquetFormat.Name())
                .load(path.toString())
                .orderBy("id")
                .collectAsList())
        .isEqualTo(spark.read().parquet(path.toString()).orderBy("id").collectAsList());
  }

  @Test
  void aReadOptionSetsTheRowsOfABatchForThatReadOnly() {
    // two files of 500 rows
    Path path = write(spark.range(1000).selectExpr("id", "CAST(id AS FLOAT) AS x"), Map.of());
    assertThat(batchRows(Map.of(TensorParquetFormat.BatchRows(), "300"), path))
        .containsExactlyInAnyOrder(300, 200, 300, 200);
    assertThat(batchRows(Map.of(), path)).as("Spark's reader batch size").containsExactly(500, 500);
    assertThatThrownBy(() -> batchRows(Map.of("BATCHROWS", "0"), path))
        .hasStackTraceContaining("Read option batchRows of torchbatch-parquet is '0'");
  }

  private List<Integer> batchRows(Map<String, String> options, Path path) {
    SparkPlan scan =
        spark
            .read()
            .format(TensorParquetFormat.Name())
            .options(options)
            .load(path.toString())
            .queryExecution()
            .executedPlan()
            .collectLeaves()
            .head();
    return scan.executeColumnar().toJavaRDD().map(ColumnarBatch::numRows).collect();
  }

  private Path write(Dataset<Row> data, Map<String, String> options) {
    Path path = dir.resolve("data");
    data.coalesce(2).write().options(options).parquet(path.toString());
    return path;
  }

  /** Reads through this reader (checked: not Spark's) and through Spark's, row for row. */
  // (binary columns are compared as hex: Row equality compares byte arrays by identity)
  private void assertSameAsSpark(Path path, String... columns) throws IOException {
    assertThat(openAll(path, spark.read().parquet(path.toString()).schema())).isTrue();
    assertSameRows(path, columns);
  }

  private void assertSameRows(Path path, String... columns) {
    Dataset<Row> ours = spark.read().format(TensorParquetFormat.Name()).load(path.toString());
    Dataset<Row> theirs = spark.read().parquet(path.toString());
    assertThat(ours.rdd().getNumPartitions()).isEqualTo(theirs.rdd().getNumPartitions());

    List<Row> expected = theirs.selectExpr(columns).orderBy(columns[0]).collectAsList();
    assertThat(ours.selectExpr(columns).orderBy(columns[0]).collectAsList()).isEqualTo(expected);
    assertThat(expected).hasSizeGreaterThan(400);
  }

  private static Set<Encoding> encodings(Path path, String column) throws IOException {
    Set<Encoding> found = EnumSet.noneOf(Encoding.class);
    try (Stream<Path> files = Files.list(path)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        try (var reader =
            ParquetFileReader.open(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
          for (var block : reader.getFooter().getBlocks()) {
            for (var chunk : block.getColumns()) {
              if (chunk.getPath().toDotString().equals(column)) {
                found.addAll(chunk.getEncodings());
              }
            }
          }
        }
      }
    }
    return found;
  }

  /** Whether this reader takes every file under {@code path} (true) or leaves any to Spark's. */
  private static boolean openAll(Path path, StructType schema) throws IOException {
    try (Stream<Path> files = Files.list(path)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        var batches = Splits.open(spark.sparkContext().hadoopConfiguration(), file, schema);
        if (batches == null) {
          return false;
        }
        batches.close();
      }
    }
    return true;
  }
}
