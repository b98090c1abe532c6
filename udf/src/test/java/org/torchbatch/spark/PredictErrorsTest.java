package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

/** Bad models and bad rows fail with messages that name the model, column or row. */
class PredictErrorsTest extends SparkTestBase {

  @BeforeAll
  static void tables() {
    spark
        .sql(
            "SELECT id, array(CAST(id AS FLOAT), 1, 2, 3) AS features, CAST(id AS STRING) AS name FROM range(10)")
        .createOrReplaceTempView("small");
    spark
        .sql(
            "SELECT id, IF(id % 3 = 1, NULL, array(CAST(id AS FLOAT), 1, 2, 3)) AS features"
                + " FROM range(9)")
        .createOrReplaceTempView("holes");
  }

  @Test
  void unusableArchiveFailsWhilePlanningBeforeAnyTask() {
    declare("weights", "path", Fixtures.path("state_dict.pt").toString());
    long jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    assertThatThrownBy(() -> spark.sql("SELECT predict('weights', features) FROM small"))
        .hasStackTraceContaining("state_dict.pt is a torch.save() file")
        .hasStackTraceContaining("torch.jit.save");
    assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(null))
        .hasSize((int) jobsBefore);
  }

  @Test
  void argumentCountAndTypesAreCheckedOnTheDriver() {
    declare("cell", "path", Fixtures.archive("traced_cell").toString());
    declare("cell", "shapes", "4;4");
    assertThatThrownBy(() -> spark.sql("SELECT predict('cell', features) FROM small"))
        .hasStackTraceContaining(
            "forward(x: Tensor, h: Tensor) -> Tuple[Tensor, Tensor] takes 2 argument(s), but predict passes 1");
    assertThatThrownBy(() -> spark.sql("SELECT predict(name) FROM small"))
        .hasStackTraceContaining("predict argument name (#1) of model 'linear' is string");
  }

  /** 40 rows of [amount, 1]; rows 3, 17 and 18 have a negative amount, which the model rejects. */
  private static void amounts() {
    spark
        .sql(
            "SELECT id, array(CAST(IF(id IN (3, 17, 18), -1, id) AS FLOAT), 1.0F) AS x"
                + " FROM range(40)")
        .coalesce(1)
        .createOrReplaceTempView("amounts");
  }

  private static void rejectsNegative(String name, String onError) {
    declare(name, "path", Fixtures.archive("rejects_negative").toString());
    declare(name, "shapes", "2");
    declare(name, "batchSize", "16");
    declare(name, "onError", onError);
  }

  @Test
  void withOnErrorNullRowsThatFailAloneGetNullsAndTheOthersTheirPredictions() {
    amounts();
    rejectsNegative("strict", "fail");
    assertThatThrownBy(() -> spark.sql("SELECT predict('strict', x) FROM amounts").collect())
        .hasStackTraceContaining("negative input: this model takes amounts >= 0");
    rejectsNegative("forgiving", "null");
    Dataset<Row> query = spark.sql("SELECT id, predict('forgiving', x) FROM amounts ORDER BY id");
    List<Row> rows = query.collectAsList();
    assertThat(rows).hasSize(40);
    for (Row row : rows) {
      long id = row.getLong(0);
      if (id == 3 || id == 17 || id == 18) {
        assertThat(row.isNullAt(1)).as("row %d", id).isTrue();
      } else {
        assertThat(row.getList(1)).as("row %d", id).containsExactly((float) (2 * id), 2.0f);
      }
    }
    // counted on a query without a sort, whose sampling would run the operator twice
    Dataset<Row> unsorted = spark.sql("SELECT predict('forgiving', x) FROM amounts");
    assertThat(unsorted.collectAsList()).hasSize(40);
    assertThat(PredictPlans.metric(unsorted.queryExecution().executedPlan(), "errorRows"))
        .isEqualTo(3);
  }

  @Test
  void underQuarantineEachFailingRowCarriesItsError() {
    amounts();
    rejectsNegative("quarantined", "quarantine");
    List<Row> rows =
        spark
            .sql("SELECT id, predict('quarantined', x) AS p FROM amounts ORDER BY id")
            .collectAsList();
    Row bad = rows.get(17).getStruct(1);
    assertThat(bad.schema().fieldNames()).containsExactly("output", OnError.ERROR_FIELD);
    assertThat(bad.isNullAt(0)).isTrue();
    assertThat(bad.getString(1)).contains("negative input: this model takes amounts >= 0");
    Row good = rows.get(16).getStruct(1);
    assertThat(good.getList(0)).containsExactly(32.0f, 2.0f);
    assertThat(good.isNullAt(1)).isTrue();
    rejectsNegative("unknown_policy", "skip");
    assertThatThrownBy(
            () -> spark.sql("SELECT predict('unknown_policy', x) FROM amounts").collect())
        .hasStackTraceContaining("onError must be one of fail, null, quarantine, got 'skip'");
  }

  @Test
  void anUndeclaredModelNameIsAnErrorNotAnArgument() {
    assertThatThrownBy(() -> spark.sql("SELECT predict('lienar', features) FROM small"))
        .hasStackTraceContaining("No model named 'lienar'")
        .hasStackTraceContaining("declared models: [")
        .hasStackTraceContaining("linear");
    assertThatThrownBy(() -> spark.sql("SELECT predict('linear') FROM small"))
        .hasStackTraceContaining("predict('linear') names a model but passes it no argument");
  }

  @Test
  void aMistypedSettingNamesTheClosestKnownOne() {
    declare("typo", "path", Fixtures.archive("linear_traced").toString());
    declare("typo", "shapes", "4");
    declare("typo", "batchsize", "64");
    assertThatThrownBy(() -> spark.sql("SELECT predict('typo', features) FROM small"))
        .hasStackTraceContaining(
            "Unknown setting spark.torchbatch.model.typo.batchsize: did you mean"
                + " spark.torchbatch.model.typo.batchSize?");
    spark.conf().unset(ModelConfig.PREFIX + "typo.batchsize");
    assertThat(spark.sql("SELECT predict('typo', features) FROM small").collectAsList())
        .hasSize(10);
  }

  @Test
  void aProbeThatReachesAnIgnoredFunctionSaysSoNotShapes() {
    // 2 example rows of 4 zeros: more than 3 values, so forward reaches the unused method
    declare("ignored", "path", Fixtures.archive("calls_unused").toString());
    declare("ignored", "shapes", "4");
    assertThatThrownBy(() -> spark.sql("SELECT predict('ignored', features) FROM small"))
        .hasStackTraceContaining(
            "Model 'ignored': forward reached a function marked @torch.jit.unused or"
                + " @torch.jit.ignore on an example input of zeros")
        .satisfies(e -> assertThat(stackOf(e)).doesNotContain("ignored.shapes"));
  }

  @Test
  void aProbeThatRaisesNamesTheRaisedErrorFirst() {
    java.nio.file.Path raising =
        Fixtures.edited(
            "scripted_if",
            "__torch__.py",
            code ->
                code.replace(
                    "    return _0",
                    "    ops.prim.RaiseException(\"inputs must be positive\")\n    return _0"));
    declare("raising", "path", raising.toString());
    declare("raising", "shapes", "4");
    assertThatThrownBy(() -> spark.sql("SELECT predict('raising', features) FROM small"))
        .hasStackTraceContaining("Model 'raising' raised on an example input of zeros")
        .hasStackTraceContaining("inputs must be positive")
        .satisfies(e -> assertThat(stackOf(e)).doesNotContain("raising.shapes"));
  }

  private static String stackOf(Throwable error) {
    java.io.StringWriter text = new java.io.StringWriter();
    error.printStackTrace(new java.io.PrintWriter(text));
    return text.toString();
  }

  @Test
  void unknownModelAndMissingShapeSayWhatToSet() {
    declare("noshape", "path", Fixtures.archive("linear_scripted").toString());
    assertThatThrownBy(() -> spark.sql("SELECT predict('noshape', features) FROM small"))
        .hasStackTraceContaining("set spark.torchbatch.model.noshape.shapes");
    declare("other", "path", Fixtures.archive("linear_scripted").toString());
    spark.conf().unset(ModelConfig.DEFAULT_MODEL);
    try {
      assertThatThrownBy(() -> spark.sql("SELECT predict(features) FROM small"))
          .hasStackTraceContaining("ambiguous");
    } finally {
      spark.conf().set(ModelConfig.DEFAULT_MODEL, "linear");
    }
  }

  @Test
  void modelRegisteredWithSetStatement() {
    spark.sql("SET spark.torchbatch.model.viaset.path=" + Fixtures.archive("linear_scripted"));
    spark.sql("SET spark.torchbatch.model.viaset.shapes=4");
    assertThat(spark.sql("SELECT predict('viaset', features) FROM small").collectAsList())
        .hasSize(10);
  }

  @Test
  void nullPolicyFailNamesModelColumnAndRow() {
    assertThatThrownBy(() -> spark.sql("SELECT predict(features) FROM holes").collect())
        .hasStackTraceContaining("Model 'linear'")
        .hasStackTraceContaining("has a null at row")
        .hasStackTraceContaining("null policy is fail")
        .hasStackTraceContaining("spark.torchbatch.model.linear.nullPolicy=null");
  }

  @Test
  void aFailingBatchIsNamedByItsRowsInThePartition() {
    declare("fours", "path", Fixtures.archive("linear_traced").toString());
    declare("fours", "shapes", "4");
    declare("fours", "batchSize", "4");
    String rows =
        "SELECT IF(id = 6, NULL, array(CAST(id AS FLOAT), 1, 2, 3)) AS features"
            + " FROM range(0, 10, 1, 1)";
    assertThatThrownBy(
            () -> spark.sql("SELECT predict('fours', features) FROM (" + rows + ")").collect())
        .hasStackTraceContaining("on the batch of input rows 4-7 of partition 0")
        .hasStackTraceContaining("has a null at row 2 of the batch");
  }

  @Test
  void aFailingBatchNamesTheFileItsScanWasReading(@TempDir Path dir) throws IOException {
    String table = dir.resolve("holes").toString();
    spark.table("holes").coalesce(1).write().parquet(table);
    String file;
    try (Stream<Path> files = Files.list(Path.of(table))) {
      file =
          files.map(Path::toString).filter(f -> f.endsWith(".parquet")).findFirst().orElseThrow();
    }
    spark.read().parquet(table).createOrReplaceTempView("holes_on_disk");
    assertThatThrownBy(() -> spark.sql("SELECT predict(features) FROM holes_on_disk").collect())
        .hasStackTraceContaining("of partition 0 while reading file://" + file + ": Column");
  }

  @Test
  void nullPolicyNullGivesNullPredictionsForThoseRowsOnly() {
    declare("lenient", "path", Fixtures.archive("linear_traced").toString());
    declare("lenient", "shapes", "4");
    declare("lenient", "nullPolicy", "null");
    List<Row> rows =
        spark.sql("SELECT id, predict('lenient', features) FROM holes ORDER BY id").collectAsList();
    for (Row row : rows) {
      assertThat(row.isNullAt(1)).as("row %d", row.getLong(0)).isEqualTo(row.getLong(0) % 3 == 1);
    }
  }

  @Test
  void modelExceptionFailsTheTaskWithTorchScriptsMessage() {
    // calls_unused raises once a batch holds more than 3 values: batches of 1 pass, of 4 fail
    spark
        .sql("SELECT array(CAST(id AS FLOAT)) AS x FROM range(4)")
        .coalesce(1)
        .createOrReplaceTempView("ones");
    declare("single", "path", Fixtures.archive("calls_unused").toString());
    declare("single", "shapes", "1");
    declare("single", "batchSize", "1");
    assertThat(spark.sql("SELECT predict('single', x) FROM ones").collectAsList()).hasSize(4);
    declare("fours", "path", Fixtures.archive("calls_unused").toString());
    declare("fours", "shapes", "1");
    assertThatThrownBy(() -> spark.sql("SELECT predict('fours', x) FROM ones").collect())
        .hasStackTraceContaining("Model 'fours'")
        .hasStackTraceContaining("annotated to be ignored and cannot be run");
    assertThat(spark.sql("SELECT predict(features) FROM small").collectAsList())
        .as("the executor lives on")
        .hasSize(10);
  }
}
