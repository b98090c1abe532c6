package org.torchbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;
import picocli.CommandLine;

/**
 * {@code --output-table} through Spark's catalog: tables of the session catalog, in a warehouse of
 * this test's own (Iceberg's and Delta's served releases do not run on Spark 4.2: docs/tables.md).
 */
class TableOutputTest {
  private static final String MODEL = Fixtures.archive("linear_traced").toString();
  @TempDir static Path dir;
  private static SparkSession spark;

  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void session() {
    spark =
        SparkTestBase.localSession("torchbatch-job-tests")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.sql.warehouse.dir", dir.resolve("warehouse").toString())
            .getOrCreate();
    events("").write().partitionBy("dt").saveAsTable("events");
  }

  /** Rows of id, features and their day dt (id % 3), of the ids {@code where} keeps. */
  private static Dataset<Row> events(String where) {
    return spark.sql(
        "SELECT id, transform(sequence(0, 3), i -> CAST(sin(id + i) AS FLOAT)) AS features,"
            + " CAST(id % 3 AS STRING) AS dt FROM range(0, 300, 1, 3) "
            + where);
  }

  private int run(String... args) {
    CommandLine line = TorchbatchJob.commandLine();
    line.setOut(new PrintWriter(new StringWriter(), true));
    line.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of("predict", "--model", MODEL, "--shape", "4"));
    all.addAll(List.of("--arg", "features", "--keep", "id,dt"));
    all.addAll(List.of(args));
    return TorchbatchJob.execute(line, all.toArray(new String[0]));
  }

  private static List<Row> rows(String table) {
    return spark.table(table).orderBy("id").collectAsList();
  }

  private static List<Long> ids(List<Row> rows, boolean dayOne) {
    return rows.stream()
        .filter(r -> r.<String>getAs("dt").equals("1") == dayOne)
        .map(r -> r.<Long>getAs("id"))
        .toList();
  }

  @Test
  void aRerunOverwritingPartitionsReplacesExactlyThatDay() throws Exception {
    assertThat(run("--input", "events", "--output-table", "scores", "--partition-by", "dt"))
        .as(err.toString())
        .isZero();
    List<Row> first = rows("scores");
    assertThat(first).hasSize(300);

    // the day's input changes (its late rows dropped), and the day is scored again, twice
    events("WHERE id % 3 = 1 AND id <= 150").createOrReplaceTempView("day");
    spark.sql("INSERT OVERWRITE TABLE events PARTITION (dt = '1') SELECT id, features FROM day");
    Path summary = dir.resolve("rerun-summary.json");
    ConfSeenByTasks.register(spark);
    Map<String, String> before = ConfSeenByTasks.conf(spark);
    for (int rerun = 0; rerun < 2; rerun++) {
      assertThat(
              run(
                  "--input",
                  "events",
                  "--where",
                  "dt = '1' AND conf_seen()",
                  "--output-table",
                  "scores",
                  "--mode",
                  "overwrite-partitions",
                  "--summary",
                  summary.toString()))
          .as(err.toString())
          .isZero();
    }
    assertThat(ConfSeenByTasks.seen())
        .as("the session's conf while the rows were written: the overwrite mode is the write's")
        .containsExactly(before);
    // --where reached the scan: it read the day's partition only
    assertThat(new ObjectMapper().readTree(summary.toFile()).path("rowsIn").asLong()).isEqualTo(50);
    List<Row> after = rows("scores");
    assertThat(after.stream().filter(r -> !r.<String>getAs("dt").equals("1")).toList())
        .isEqualTo(first.stream().filter(r -> !r.<String>getAs("dt").equals("1")).toList());
    assertThat(ids(after, true))
        .containsExactlyElementsOf(ids(first, true).stream().filter(id -> id <= 150).toList());
  }

  @Test
  void modesOfATableAsOfAPath() {
    assertThat(run("--input", "events", "--output-table", "modes")).isZero();
    assertThat(run("--input", "events", "--output-table", "modes"))
        .as("error-if-exists")
        .isEqualTo(ExitCodes.OUTPUT_EXISTS);
    assertThat(err.toString()).contains("Table modes exists");
    assertThat(run("--input", "events", "--output-table", "modes", "--mode", "append")).isZero();
    assertThat(rows("modes")).hasSize(600);
    assertThat(
            run(
                "--input",
                "events",
                "--where",
                "id < 10",
                "--output-table",
                "modes",
                "--mode",
                "overwrite"))
        .isZero();
    assertThat(rows("modes")).hasSize(10);
  }

  @Test
  void aCreatedTableTakesTheOutputFormat() {
    assertThat(
            run("--input", "events", "--output-table", "default.as_orc", "--output-format", "orc"))
        .isZero();
    assertThat(
            spark
                .sql("DESCRIBE TABLE EXTENDED as_orc")
                .where("col_name = 'Provider'")
                .first()
                .getString(1))
        .isEqualToIgnoringCase("orc");
    assertThat(rows("as_orc")).hasSize(300);
  }

  @Test
  void refusesTheInputTableAndPartitionOverwritesOfAPath() {
    assertThat(run("--input", "events", "--output-table", "default.events", "--mode", "append"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("is the input table events");
    String path = dir.resolve("p").toString();
    assertThat(run("--input", "events", "--output", path, "--mode", "overwrite-partitions"))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run("--input", "events", "--output", path, "--output-table", "x"))
        .isEqualTo(ExitCodes.USAGE);
  }
}
