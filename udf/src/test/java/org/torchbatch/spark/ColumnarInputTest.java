package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

/** Over a Parquet scan the operator reads the vectorized reader's batches, with no rows between. */
class ColumnarInputTest extends SparkTestBase {
  @TempDir static Path dir;
  private static String parquet;

  @BeforeAll
  static void writeParquet() {
    parquet = dir.resolve("features.parquet").toString();
    spark
        .sql(
            "SELECT id, transform(sequence(0, 3), i -> CAST(cos(id + i) AS FLOAT)) AS features,"
                + " transform(sequence(0, 3), i -> CAST(i AS FLOAT)) AS hidden FROM range(0, 5000, 1, 3)")
        .write()
        // features plain (read in place off the heap), hidden dictionary-encoded (decoded)
        .option("parquet.enable.dictionary#features.list.element", "false")
        .parquet(parquet);
    declare("cell", "path", Fixtures.archive("traced_cell").toString());
    declare("cell", "shapes", "4;4");
  }

  private static List<Row> run(String sql, boolean vectorized) {
    return run(sql, vectorized, false);
  }

  private static List<Row> run(String sql, boolean vectorized, boolean offHeap) {
    spark.conf().set("spark.sql.parquet.enableVectorizedReader", String.valueOf(vectorized));
    spark.conf().set("spark.sql.columnVector.offheap.enabled", String.valueOf(offHeap));
    try {
      spark.read().parquet(parquet).createOrReplaceTempView("pq");
      return spark.sql(sql).collectAsList();
    } finally {
      spark.conf().unset("spark.sql.parquet.enableVectorizedReader");
      spark.conf().unset("spark.sql.columnVector.offheap.enabled");
    }
  }

  @Test
  void parquetBatchesFeedTheModelDirectly() {
    spark.read().parquet(parquet).createOrReplaceTempView("pq");
    Dataset<Row> query = spark.sql("SELECT id, predict(features) FROM pq");
    query.collect();
    String plan = PredictSqlTest.operator(query).toString();
    assertThat(plan).contains("input=columnar").doesNotContain("ColumnarToRow");
  }

  @Test
  void columnarAndRowPathsGiveTheSameResults() {
    String sql =
        "SELECT id, features, predict(features) AS p, predict('cell', features, hidden) AS c FROM pq ORDER BY id";
    List<Row> columnar = run(sql, true);
    List<Row> rows = run(sql, false);
    assertThat(columnar).hasSize(5000).isEqualTo(rows);
  }

  @Test
  void offHeapBatchesGiveTheSameResults() {
    // off the heap, plain array values reach the tensor without a copy and dictionary-encoded
    // ones (hidden) are decoded; the task allocator's close at task end fails the query if a
    // borrowed buffer were left open
    String sql =
        "SELECT id, predict(features) AS p, predict('cell', features, hidden) AS c FROM pq ORDER BY id";
    assertThat(run(sql, true, true)).hasSize(5000).isEqualTo(run(sql, true, false));
  }
}
