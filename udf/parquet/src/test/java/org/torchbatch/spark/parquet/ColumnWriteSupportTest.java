package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchbatch.spark.testing.SparkTestBase;

/** torchbatch-parquet writes, byte for byte, the files Spark's own Parquet writer writes. */
class ColumnWriteSupportTest extends SparkTestBase {
  // every type the columns path writes, with nulls at every level, empty lists and uneven lengths
  private static final String ROWS =
      "SELECT id, CAST(id % 3 AS INT) AS bucket, IF(id % 11 = 0, NULL, id * 0.25d) AS weight,"
          + " IF(id % 7 = 0, NULL, CAST(id AS FLOAT) / 3) AS score, id % 2 = 0 AS even,"
          + " IF(id % 19 = 0, NULL, concat('row-', id % 40)) AS name,"
          + " CAST(unhex(hex(id)) AS BINARY) AS tag,"
          + " CASE WHEN id % 13 = 0 THEN NULL WHEN id % 17 = 0 THEN array()"
          + " ELSE transform(sequence(0, CAST(id % 9 AS INT)),"
          + " i -> IF((id + i) % 5 = 0, NULL, CAST(id + i AS FLOAT) / 7)) END AS prediction,"
          + " transform(sequence(0, CAST(id % 3 AS INT)), i -> id * i) AS longs,"
          + " IF(id % 23 = 0, array(), array(CAST(id AS INT), 2)) AS ints,"
          + " array(id * 0.5d) AS doubles"
          + " FROM range(0, 3000, 1, 2)";

  @TempDir Path dir;

  @AfterEach
  void resetConf() {
    spark.conf().unset("spark.sql.parquet.writeLegacyFormat");
  }

  @ParameterizedTest
  @ValueSource(strings = {"snappy", "small pages, no dictionary", "v2 zstd", "legacy lists"})
  void sameFilesAsSparksWriter(String setting) throws IOException {
    Map<String, String> options =
        switch (setting) {
          case "snappy" -> Map.of();
          case "small pages, no dictionary" ->
              Map.of(
                  "parquet.page.size", "1024",
                  "parquet.block.size", "32768",
                  "parquet.enable.dictionary", "false");
          case "v2 zstd" -> Map.of("parquet.writer.version", "v2", "compression", "zstd");
          default -> {
            spark.conf().set("spark.sql.parquet.writeLegacyFormat", "true");
            yield Map.of();
          }
        };
    Dataset<Row> data = spark.sql(ROWS);

    assertSameFiles(data, options);
  }

  @Test
  void otherTypesTakeSparksPathToTheSameFiles() throws IOException {
    Dataset<Row> data =
        spark.sql(
            "SELECT id, date_add(DATE'2026-01-01', CAST(id % 30 AS INT)) AS day,"
                + " named_struct('a', id, 'b', id * 2) AS pair FROM range(0, 500, 1, 2)");

    assertSameFiles(data, Map.of());
  }

  @Test
  void rowsGoStraightToTheColumnWritersOnlyWhenEveryColumnCanGo() throws IOException {
    assertThat(writesColumns(spark.sql(ROWS), "columns.parquet")).isTrue();
    Dataset<Row> withDate = spark.sql("SELECT id, DATE'2026-01-01' AS day FROM range(0, 10)");
    assertThat(writesColumns(withDate, "spark.parquet")).isFalse();
  }

  /** Writes {@code data} with each writer and compares the files, and the rows read back. */
  private void assertSameFiles(Dataset<Row> data, Map<String, String> options) throws IOException {
    Path spark = dir.resolve("spark");
    Path ours = dir.resolve("ours");
    data.write().options(options).parquet(spark.toString());
    data.write().options(options).format(TensorParquetFormat.Name()).save(ours.toString());

    List<Path> expected = parts(spark);
    List<Path> actual = parts(ours);
    assertThat(actual).hasSameSizeAs(expected).isNotEmpty();
    for (int i = 0; i < expected.size(); i++) {
      assertThat(Files.readAllBytes(actual.get(i)))
          .as("%s against %s", actual.get(i), expected.get(i))
          .isEqualTo(Files.readAllBytes(expected.get(i)));
    }
    assertThat(SparkTestBase.spark.read().parquet(ours.toString()).collectAsList())
        .containsExactlyInAnyOrderElementsOf(data.collectAsList());
  }

  private static List<Path> parts(Path folder) throws IOException {
    try (Stream<Path> files = Files.list(folder)) {
      // part-<task>-<uuid>...: the task number orders them alike in both folders
      return files
          .filter(f -> f.getFileName().toString().startsWith("part-"))
          .sorted((a, b) -> task(a).compareTo(task(b)))
          .toList();
    }
  }

  private static String task(Path part) {
    return part.getFileName().toString().substring(0, "part-00000".length());
  }

  /**
   * Writes {@code data}'s rows through parquet-mr's own writer set up as Spark sets it up for a
   * write, and says whether the rows went straight to the column writers.
   */
  private boolean writesColumns(Dataset<Row> data, String file) throws IOException {
    StructType schema = data.schema();
    Job job = Job.getInstance(new Configuration());
    new TensorParquetFormat()
        .prepareWrite(
            SparkTestBase.spark,
            job,
            scala.collection.immutable.Map$.MODULE$.<String, String>empty(),
            schema);
    ColumnWriteSupport support = new ColumnWriteSupport();
    var path = new org.apache.hadoop.fs.Path(dir.resolve(file).toString());
    List<InternalRow> rows =
        data.queryExecution().toRdd().toJavaRDD().map(InternalRow::copy).collect();
    try (ParquetWriter<InternalRow> writer =
        new SupportBuilder(path, support).withConf(job.getConfiguration()).build()) {
      for (InternalRow row : rows) {
        writer.write(row);
      }
    }
    assertThat(SparkTestBase.spark.read().parquet(path.toString()).collectAsList())
        .containsExactlyInAnyOrderElementsOf(data.collectAsList());
    return support.writesColumns();
  }

  private static final class SupportBuilder
      extends ParquetWriter.Builder<InternalRow, SupportBuilder> {
    private final ColumnWriteSupport support;

    SupportBuilder(org.apache.hadoop.fs.Path path, ColumnWriteSupport support) {
      super(path);
      this.support = support;
    }

    @Override
    protected SupportBuilder self() {
      return this;
    }

    @Override
    protected WriteSupport<InternalRow> getWriteSupport(Configuration conf) {
      return support;
    }
  }
}
