package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

/**
 * Batch sizes through the operator: fixed sizes slice columnar input, {@code auto} gives the same
 * rows as a fixed size, and a device out-of-memory error halves {@code auto}'s batches (the
 * memory_bound fixture raises CUDA's message on batches over 64 rows).
 */
class BatchSizeTest extends SparkTestBase {
  @TempDir static Path dir;
  private static String parquet;

  @BeforeAll
  static void writeParquet() {
    parquet = dir.resolve("x.parquet").toString();
    spark
        .sql(
            "SELECT id, transform(sequence(0, 3), i -> CAST(id * 4 + i AS FLOAT)) AS x"
                + " FROM range(0, 3000, 1, 2)")
        .write()
        .parquet(parquet);
    spark.read().parquet(parquet).createOrReplaceTempView("xs");
    for (String name : List.of("bounded", "boundedauto", "boundedfixed")) {
      declare(name, "path", Fixtures.archive("memory_bound").toString());
      declare(name, "shapes", "4");
    }
    declare("boundedauto", "batchSize", "auto");
    declare("boundedfixed", "batchSize", "128");
    declare("bounded", "batchSize", "50");
  }

  private static long batches(Dataset<Row> query) {
    return PredictPlans.metric(query.queryExecution().executedPlan(), "batches");
  }

  @Test
  void fixedSizesSliceColumnarBatches() {
    Dataset<Row> query = spark.sql("SELECT id, predict('bounded', x) AS y FROM xs ORDER BY id");
    List<Row> rows = query.collectAsList();
    assertThat(PredictSqlTest.operator(query).toString()).contains("input=columnar");
    assertThat(rows).hasSize(3000);
    for (Row row : rows) {
      assertThat(row.getList(1).get(3)).isEqualTo((float) (row.getLong(0) * 4 + 3) * 2);
    }
    // two files of 1500 rows, each Parquet batch cut into calls of at most 50 rows (no ORDER BY:
    // a global sort samples its input with one more pass)
    Dataset<Row> unordered = spark.sql("SELECT predict('bounded', x) FROM xs");
    unordered.collect();
    assertThat(batches(unordered)).isEqualTo(60);
  }

  @Test
  void autoShrinksAfterOutOfMemoryAndLosesNoRows() {
    List<Row> auto =
        spark.sql("SELECT id, predict('boundedauto', x) AS y FROM xs ORDER BY id").collectAsList();
    List<Row> fixed =
        spark.sql("SELECT id, predict('bounded', x) AS y FROM xs ORDER BY id").collectAsList();
    assertThat(auto).hasSize(3000).isEqualTo(fixed);
  }

  @Test
  void autoGivesTheSameRowsAsAFixedSizeOnTheRowPath() {
    declare("linearauto", "path", Fixtures.archive("linear_traced").toString());
    declare("linearauto", "shapes", "4");
    declare("linearauto", "batchSize", "auto");
    String rows = "SELECT id, array(CAST(id AS FLOAT), 1F, 2F, 3F) AS v FROM range(0, 5000, 1, 2)";
    List<Row> auto =
        spark
            .sql("SELECT id, predict('linearauto', v) FROM (" + rows + ") ORDER BY id")
            .collectAsList();
    List<Row> fixed =
        spark
            .sql("SELECT id, predict('linear', v) FROM (" + rows + ") ORDER BY id")
            .collectAsList();
    assertThat(auto).hasSize(5000).isEqualTo(fixed);
  }

  @Test
  void rowsOf16MegabytesAreSplitByBytesWhateverTheBatchSize() {
    // auto takes at most 64 MiB a call even where maxBatchBytes allows more
    // 4 Mi floats a row: 256 of them would be 4 GiB, past what one call's buffers can hold
    spark
        .sql("SELECT id, array_repeat(CAST(id AS FLOAT), 4194304) AS x FROM range(6)")
        .coalesce(1)
        .createOrReplaceTempView("wide");
    for (String setting : List.of("256 64m", "auto 64m", "auto 1g")) {
      String batchSize = setting.split(" ")[0];
      String name = "wide" + setting.replace(" ", "");
      declare(name, "path", Fixtures.archive("traced_frozen_if").toString());
      declare(name, "shapes", "4194304");
      declare(name, "batchSize", batchSize);
      declare(name, "maxBatchBytes", setting.split(" ")[1]);
      var query =
          spark.sql(
              "SELECT id, element_at(y, 1) AS first, element_at(y, 4194304) AS last FROM"
                  + " (SELECT id, predict('"
                  + name
                  + "', x) AS y FROM wide)");
      List<Row> rows = query.collectAsList();
      assertThat(rows).hasSize(6);
      for (Row row : rows) {
        assertThat(row.getFloat(1)).isEqualTo(2f * row.getLong(0));
        assertThat(row.getFloat(2)).isEqualTo(2f * row.getLong(0));
      }
      // 64 MiB hold 4 rows: the 6 rows take 2 calls
      assertThat(PredictPlans.metric(query.queryExecution().executedPlan(), "batches"))
          .as(setting)
          .isEqualTo(2);
    }
  }

  @Test
  void aFixedSizeThatRunsOutOfMemorySaysWhatToChange() {
    assertThatThrownBy(() -> spark.sql("SELECT predict('boundedfixed', x) FROM xs").collectAsList())
        .hasStackTraceContaining("CUDA out of memory")
        .hasStackTraceContaining(
            "out of memory on 128 rows: lower spark.torchbatch.model.boundedfixed.batchSize or"
                + " set it to auto");
  }
}
