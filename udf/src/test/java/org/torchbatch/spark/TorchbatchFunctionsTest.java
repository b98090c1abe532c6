package org.torchbatch.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;
import scala.jdk.javaapi.CollectionConverters;

/** The Column API plans as SQL's predict does, from a typed model, and writes no session conf. */
class TorchbatchFunctionsTest extends SparkTestBase {
  private static final ModelConfig LINEAR =
      ModelConfig.of(
          "typed", Map.of("path", Fixtures.archive("linear_traced").toString(), "shapes", "4"));

  private static Dataset<Row> rows() {
    return spark.sql(
        "SELECT id, array(CAST(id AS FLOAT), 1, 2, 3) AS features FROM range(0, 50, 1, 2)");
  }

  private static Map<String, String> sessionConf() {
    return CollectionConverters.asJava(spark.conf().getAll());
  }

  @Test
  void predictionsEqualSqlsAndNoSessionConfIsWritten() {
    Map<String, String> before = sessionConf();
    Dataset<Row> scored =
        rows().select(col("id"), TorchbatchFunctions.predict(LINEAR, col("features")).as("p"));
    assertThat(scored.queryExecution().executedPlan().toString()).contains("BatchPredict");
    List<Row> typed = scored.orderBy("id").collectAsList();
    assertThat(sessionConf()).isEqualTo(before);

    rows().createOrReplaceTempView("typed_rows");
    List<Row> sql =
        spark
            .sql("SELECT id, predict('linear', features) AS p FROM typed_rows ORDER BY id")
            .collectAsList();
    assertThat(typed).hasSize(50).isEqualTo(sql);
  }

  @Test
  void anArgumentOfTheWrongTypeFailsWhileTheQueryIsAnalysed() {
    assertThatThrownBy(
            () ->
                rows()
                    .select(TorchbatchFunctions.predict(LINEAR, col("id").cast("string")))
                    .queryExecution()
                    .assertAnalyzed())
        .hasStackTraceContaining("of model 'typed' is string");
  }
}
