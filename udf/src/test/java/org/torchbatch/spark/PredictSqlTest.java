package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

class PredictSqlTest extends SparkTestBase {
  private static final int ROWS = 103;

  @BeforeAll
  static void table() {
    spark
        .sql(
            "SELECT id, transform(sequence(0, 3), i -> CAST(sin(id * 4 + i) AS FLOAT)) AS features"
                + " FROM range("
                + ROWS
                + ")")
        .repartition(3)
        .createOrReplaceTempView("t");
  }

  /** The linear fixture's output computed by graph-runtime directly, row by row. */
  private static float[] direct(List<Float> features) {
    float[] input = new float[4];
    for (int i = 0; i < 4; i++) {
      input[i] = features.get(i);
    }
    try (ModelHandle model =
            ModelCache.shared().acquire(Fixtures.archive("linear_traced"), DeviceSpec.CPU);
        ModelOutputs outputs =
            model.newRunner().run("forward", List.of(HostTensor.ofFloats(input, 1, 4)))) {
      double[] values = outputs.get(0).toDoubles();
      float[] out = new float[values.length];
      for (int i = 0; i < out.length; i++) {
        out[i] = (float) values[i];
      }
      return out;
    }
  }

  private static void assertMatchesRuntime(List<Row> rows) {
    assertThat(rows).hasSize(ROWS);
    for (Row row : rows) {
      List<Float> features = row.getList(1);
      List<Float> predicted = row.getList(2);
      float[] expected = direct(features);
      assertThat(predicted).hasSize(4);
      for (int i = 0; i < 4; i++) {
        assertThat(predicted.get(i)).isCloseTo(expected[i], within(1e-5f));
      }
    }
  }

  @Test
  void predictOverDefaultModelEqualsGraphRuntime() {
    List<Row> rows =
        spark.sql("SELECT id, features, predict(features) AS p FROM t ORDER BY id").collectAsList();
    assertMatchesRuntime(rows);
  }

  @Test
  void batchSizeOneAndNGiveTheSameResults() {
    declare("linear1", "path", Fixtures.archive("linear_traced").toString());
    declare("linear1", "shapes", "4");
    declare("linear1", "batchSize", "1");
    List<Row> one =
        spark
            .sql("SELECT id, features, predict('linear1', features) FROM t ORDER BY id")
            .collectAsList();
    assertMatchesRuntime(one);
    List<Row> many =
        spark
            .sql("SELECT id, features, predict('linear', features) FROM t ORDER BY id")
            .collectAsList();
    for (int r = 0; r < ROWS; r++) {
      for (int i = 0; i < 4; i++) {
        // libtorch may pick another matmul kernel for one row than for many: equal to float noise
        assertThat((Float) one.get(r).getList(2).get(i))
            .isCloseTo((Float) many.get(r).getList(2).get(i), within(1e-6f));
      }
    }
  }

  @Test
  void explainShowsTheBatchNodeAndOnlyArgumentsAreSent() {
    Dataset<Row> query = spark.sql("SELECT id, predict(features) AS p FROM t");
    String plan = query.queryExecution().executedPlan().toString();
    assertThat(plan)
        .contains("BatchPredict [linear=linear_traced.pt.forward]")
        .contains("args=(features");
    assertThat(query.queryExecution().optimizedPlan().toString()).contains("BatchPredict");
  }

  @Test
  void anAliasedPredictionNeedsNoProjectionAbove() {
    Dataset<Row> query = spark.sql("SELECT id, features, predict(features) AS p FROM t");
    LogicalPlan optimized = query.queryExecution().optimizedPlan();
    assertThat(optimized).as(optimized::toString).isInstanceOf(BatchPredict.class);
    assertThat(query.schema().fieldNames()).containsExactly("id", "features", "p");
    assertMatchesRuntime(query.orderBy("id").collectAsList());
    Dataset<Row> twice = spark.sql("SELECT predict(features) AS a, predict(features) AS b FROM t");
    assertThat(twice.schema().fieldNames()).containsExactly("a", "b");
    Row row = twice.collectAsList().get(0);
    assertThat(row.getList(0)).isEqualTo(row.getList(1));
  }

  @Test
  void onlyTheArgumentsAndNeededColumnsReachTheNode() {
    spark
        .sql("SELECT id, features, id * 2 AS unused_a, 'x' AS unused_b FROM t")
        .createOrReplaceTempView("wide");
    Dataset<Row> query = spark.sql("SELECT id, predict(features) FROM wide");
    BatchPredict node =
        (BatchPredict)
            query.queryExecution().optimizedPlan().find(p -> p instanceof BatchPredict).get();
    assertThat(node.child().output().mkString(","))
        .doesNotContain("unused_a")
        .doesNotContain("unused_b");
    assertThat(node.calls().head().children().mkString(",")).startsWith("features");
    // the arguments are read from the child, but only what the query selects is passed on
    assertThat(node.passthrough().mkString(",")).startsWith("id#").doesNotContain("features");
  }

  @Test
  void filtersAndNestedExpressionsWork() {
    long positive = spark.sql("SELECT id FROM t WHERE predict(features)[0] > 0").count();
    long expected =
        spark.sql("SELECT id, features, predict(features) AS p FROM t").collectAsList().stream()
            .filter(r -> ((Float) r.getList(2).get(0)) > 0)
            .count();
    assertThat(positive).isEqualTo(expected).isBetween(1L, (long) ROWS - 1);
    List<Row> chained = spark.sql("SELECT predict(predict(features)) FROM t").collectAsList();
    assertThat(chained).hasSize(ROWS);
  }

  @Test
  void scannedRowsCountTheInputNotThePredictions() {
    Dataset<Row> query = spark.sql("SELECT predict(features) FROM t WHERE id % 2 = 0");
    assertThat(query.collectAsList()).hasSize((ROWS + 1) / 2);
    var plan = query.queryExecution().executedPlan();
    assertThat(PredictPlans.metric(plan, "numOutputRows")).isEqualTo((ROWS + 1) / 2);
    assertThat(PredictPlans.scannedRows(plan)).isEqualTo(ROWS);
  }

  @Test
  void severalModelsInOneQuery() {
    declare("dict", "path", Fixtures.archive("dict_output").toString());
    declare("dict", "shapes", "3");
    Row row =
        spark
            .sql(
                "SELECT predict('linear', features) AS a, predict('dict', slice(features, 1, 3)) AS b FROM t LIMIT 1")
            .collectAsList()
            .get(0);
    assertThat(row.getList(0)).hasSize(4);
    Row struct = row.getStruct(1);
    assertThat(struct.schema().fieldNames()).containsExactly("label", "probs");
    assertThat(struct.getList(1)).hasSize(2);
  }

  @Test
  void sumOverPredictionsInAnAggregate() {
    Row row = spark.sql("SELECT sum(predict(features)[0]) FROM t").collectAsList().get(0);
    double expected =
        spark.sql("SELECT features, predict(features) FROM t").collectAsList().stream()
            .mapToDouble(r -> (Float) r.getList(1).get(0))
            .sum();
    assertThat(row.getDouble(0)).isCloseTo(expected, within(1e-3));
  }

  @Test
  void predictInAJoinConditionRunsOnTheSideItReads() {
    spark
        .sql("SELECT id AS k, id % 7 AS bucket FROM range(" + ROWS + ")")
        .createOrReplaceTempView("keys");
    Dataset<Row> joined =
        spark.sql(
            "SELECT t.id, k FROM t JOIN keys ON t.id = keys.k AND predict(t.features)[0] > 0");
    long expected = spark.sql("SELECT id FROM t WHERE predict(features)[0] > 0").count();
    assertThat(joined.count()).isEqualTo(expected);
    assertThat(joined.queryExecution().optimizedPlan().toString()).contains("BatchPredict");
  }

  @Test
  void theSameCallTwiceRunsTheModelOnce() {
    Dataset<Row> query =
        spark.sql("SELECT predict(features) AS a, predict(features)[0] AS b FROM t");
    BatchPredict node =
        (BatchPredict)
            query.queryExecution().optimizedPlan().find(p -> p instanceof BatchPredict).get();
    assertThat(node.calls().size()).isEqualTo(1);
  }

  @Test
  void pinnedSha256MustMatch() {
    declare("pinned", "path", Fixtures.archive("linear_traced").toString());
    declare("pinned", "shapes", "4");
    declare("pinned", "sha256", "0".repeat(64));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> spark.sql("SELECT predict('pinned', features) FROM t"))
        .hasStackTraceContaining("spark.torchbatch.model.pinned.sha256 pins 0000");
  }

  @Test
  void metricsCountBatches() {
    Dataset<Row> query = spark.sql("SELECT predict(features) FROM t");
    query.collect();
    BatchPredictExec exec = operator(query);
    String metrics =
        exec.metrics().apply("batches").value()
            + ","
            + exec.metrics().apply("numOutputRows").value();
    assertThat(metrics).isEqualTo("3," + ROWS);
  }

  /** The batch operator of an executed query. */
  static BatchPredictExec operator(Dataset<Row> query) {
    List<BatchPredictExec> found = PredictPlans.operators(query.queryExecution().executedPlan());
    if (found.isEmpty()) {
      throw new AssertionError("no BatchPredictExec in " + query.queryExecution().executedPlan());
    }
    return found.get(0);
  }
}
