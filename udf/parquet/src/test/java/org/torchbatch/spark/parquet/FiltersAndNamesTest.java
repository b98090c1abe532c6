package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.parquet.filter2.predicate.FilterApi;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchbatch.spark.testing.SparkTestBase;

/**
 * What Spark's reader does that users rely on, done by this one too: pushed filters skip row groups
 * by their statistics and dictionaries, and columns match the file's names ignoring case unless
 * spark.sql.caseSensitive is on.
 */
class FiltersAndNamesTest extends SparkTestBase {
  private static final int ROWS = 20_000;

  @TempDir Path dir;

  @AfterEach
  void resetConf() {
    spark.conf().unset(SplitOpener.READ_AHEAD);
    spark.conf().unset("spark.sql.parquet.filterPushdown");
    spark.conf().unset("spark.sql.caseSensitive");
  }

  /** Row groups of ascending ids: a filter on some of them reads only the row groups it needs. */
  @ParameterizedTest
  @ValueSource(strings = {"0", "4000"})
  void aFilterOnSortedIdsSkipsRowGroups(String readAhead) throws IOException {
    spark.conf().set(SplitOpener.READ_AHEAD, readAhead);
    Path path = sortedIds();
    String[] filters = {
      "id >= 19000", "id = 777", "id IN (5, 15005)", "k = 'k3' AND id < 4000", "x > 18000"
    };
    for (String filter : filters) {
      Dataset<Row> ours = read(TensorParquetFormat.Name(), path).where(filter);
      List<Row> rows = ours.orderBy("id").collectAsList();
      assertThat(rows)
          .as(filter)
          .isEqualTo(read("parquet", path).where(filter).orderBy("id").collectAsList());
      assertThat(scannedRows(ours)).as(filter).isLessThan(ROWS / 2);
    }
    spark.conf().set("spark.sql.parquet.filterPushdown", "false");
    assertThat(scannedRows(read(TensorParquetFormat.Name(), path).where("id >= 19000")))
        .isEqualTo(ROWS);
  }

  /** A row group's dictionary proves a value absent where its statistics cannot. */
  @Test
  void aDictionaryRulesOutARowGroupItsStatisticsAdmit() throws IOException {
    var request =
        request(
            sortedIds(),
            new StructType().add("id", DataTypes.LongType),
            false,
            // every row group's k ranges over k0..k9 ("k35" lies within), none holds "k35"
            schema ->
                FilterApi.eq(
                    FilterApi.binaryColumn("k"),
                    org.apache.parquet.io.api.Binary.fromString("k35")));
    try (ParquetSplitBatches batches = SplitOpener.open(request)) {
      assertThat(batches).isNotNull();
      assertThat(batches.hasNext()).isFalse();
    }
  }

  @Test
  void columnsMatchTheFilesNamesIgnoringCaseUnlessCaseSensitive() throws IOException {
    Path path = dir.resolve("mixed");
    spark
        .sql("SELECT id AS Id, array(CAST(id AS FLOAT), 1F) AS Features FROM range(0, 1000)")
        .coalesce(1)
        .write()
        .parquet(path.toString());
    StructType asked =
        new StructType()
            .add("id", DataTypes.LongType)
            .add("FEATURES", DataTypes.createArrayType(DataTypes.FloatType));
    assertThat(opens(path, asked, false)).isTrue();
    assertThat(opens(path, asked, true)).isFalse();

    List<Row> ours =
        spark
            .read()
            .schema(asked)
            .format(TensorParquetFormat.Name())
            .load(path.toString())
            .orderBy("id")
            .collectAsList();
    assertThat(ours).hasSize(1000);
    assertThat(ours)
        .isEqualTo(
            spark.read().schema(asked).parquet(path.toString()).orderBy("id").collectAsList());
    assertThat(ours.get(7).getList(1)).containsExactly(7f, 1f);
  }

  /** Two fields that differ only in case are Spark's reader's to refuse, as it does. */
  @Test
  void aNameMatchingTwoFieldsIsLeftToSparksReader() throws IOException {
    Path path = dir.resolve("twice");
    spark.conf().set("spark.sql.caseSensitive", "true");
    spark
        .sql("SELECT id AS a, id * 2 AS A FROM range(0, 10)")
        .coalesce(1)
        .write()
        .parquet(path.toString());
    StructType asked = new StructType().add("a", DataTypes.LongType);
    assertThat(opens(path, asked, true)).isTrue();
    assertThat(opens(path, asked, false)).isFalse();
  }

  private Path sortedIds() {
    Path path = dir.resolve("sorted");
    spark
        .sql(
            "SELECT id, IF(id % 10 = 3, NULL, CAST(id AS DOUBLE)) AS x, concat('k', CAST(id % 10 AS"
                + " STRING)) AS k FROM range(0, "
                + ROWS
                + ")")
        .coalesce(1)
        .write()
        .option("parquet.block.size", "16384")
        .option("parquet.page.size", "4096")
        .parquet(path.toString());
    return path;
  }

  private static Dataset<Row> read(String format, Path path) {
    return spark.read().format(format).load(path.toString());
  }

  /** Rows the scan handed on before Spark filters them again. */
  private static long scannedRows(Dataset<Row> data) {
    data.collectAsList();
    SparkPlan scan = data.queryExecution().executedPlan().collectLeaves().head();
    assertThat(scan).isInstanceOf(FileSourceScanExec.class);
    return (long) scan.metrics().apply("numOutputRows").value();
  }

  private static Path onlyFile(Path path) throws IOException {
    try (Stream<Path> files = Files.list(path)) {
      return files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
  }

  /** The whole of the only file under {@code path}, its columns {@code asked}. */
  private static SplitRequest request(
      Path path,
      StructType asked,
      boolean caseSensitive,
      java.util.function.Function<MessageType, FilterPredicate> filter)
      throws IOException {
    Path file = onlyFile(path);
    return new SplitRequest(
        spark.sparkContext().hadoopConfiguration(),
        new org.apache.hadoop.fs.Path(file.toUri()),
        0,
        Files.size(file),
        asked,
        new StructType(),
        org.apache.spark.sql.catalyst.InternalRow.empty(),
        4096,
        caseSensitive,
        filter);
  }

  private static boolean opens(Path path, StructType asked, boolean caseSensitive)
      throws IOException {
    try (ParquetSplitBatches batches =
        SplitOpener.open(request(path, asked, caseSensitive, schema -> null))) {
      return batches != null;
    }
  }
}
