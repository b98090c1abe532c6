package org.torchbatch.spark.ml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

class TorchScriptModelTest extends SparkTestBase {
  private static Dataset<Row> data;

  @BeforeAll
  static void data() {
    data =
        spark.sql(
            "SELECT id, CAST(id AS FLOAT) AS a, CAST(id * 2 AS FLOAT) AS b, CAST(1 AS FLOAT) AS c,"
                + " array(CAST(id AS FLOAT), 1, 2, 3) AS features FROM range(20)");
    data.createOrReplaceTempView("ml_data");
  }

  private static TorchScriptModel linear() {
    return new TorchScriptModel()
        .setModelPath(Fixtures.archive("linear_traced").toString())
        .setInputCols(new String[] {"features"})
        .setShapes(new String[] {"4"})
        .setOutputCol("score");
  }

  @Test
  void transformerEqualsSqlPredictAndPlansTheSameOperator() {
    var confBefore = spark.conf().getAll();
    linear().transformSchema(data.schema());
    Dataset<Row> transformed = linear().transform(data).orderBy("id");
    assertThat(spark.conf().getAll()).as("no session conf written").isEqualTo(confBefore);
    assertThat(transformed.queryExecution().executedPlan().toString()).contains("BatchPredict");
    List<Row> viaSql =
        spark.sql("SELECT predict(features) FROM ml_data ORDER BY id").collectAsList();
    List<Row> viaTransformer = transformed.select("score").collectAsList();
    assertThat(viaTransformer).isEqualTo(viaSql);
  }

  @Test
  void withOnErrorNullRowsTheModelRejectsGetNulls() {
    TorchScriptModel model =
        new TorchScriptModel()
            .setModelPath(Fixtures.archive("rejects_negative").toString())
            .setInputCols(new String[] {"array(IF(id = 7, -1F, a), c)"})
            .setShapes(new String[] {"2"})
            .setBatchSize(8)
            .setOnError("null");
    List<Row> rows = model.transform(data).orderBy("id").select("id", "prediction").collectAsList();
    assertThat(rows.get(7).isNullAt(1)).isTrue();
    assertThat(rows.get(6).getList(1)).containsExactly(12f, 2f);
  }

  @Test
  void stackedScalarColumnsAndNamedOutputs() {
    TorchScriptModel model =
        new TorchScriptModel()
            .setModelPath(Fixtures.archive("dict_output").toString())
            .setInputCols(new String[] {"array(a, b, c)"})
            .setShapes(new String[] {"3"})
            .setOutputCols(new String[] {"probs", "label"});
    Dataset<Row> out = model.transform(data);
    assertThat(out.columns()).contains("label", "probs").doesNotContain("prediction");
    // the dict's keys are selected by name, not the sorted keys renamed in the given order
    assertThat(out.schema().apply("probs").dataType().simpleString()).isEqualTo("array<float>");
    assertThat(out.schema().apply("label").dataType().simpleString()).isEqualTo("bigint");
    assertThat(out.select("probs").first().getList(0)).hasSize(2);
  }

  @Test
  void worksInAPipelineAndSurvivesSaveAndLoad(@TempDir Path dir) throws Exception {
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {linear()}).fit(data);
    String path = dir.resolve("pipeline").toString();
    fitted.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    List<Row> before = fitted.transform(data).orderBy("id").select("score").collectAsList();
    List<Row> after = loaded.transform(data).orderBy("id").select("score").collectAsList();
    assertThat(after).isEqualTo(before).hasSize(20);

    TorchScriptModel single = linear().setBatchSize(7).setNullPolicy("null");
    single.write().overwrite().save(dir.resolve("model").toString());
    TorchScriptModel reloaded =
        (TorchScriptModel) TorchScriptModel.load(dir.resolve("model").toString());
    assertThat(reloaded.getOrDefault(reloaded.batchSize())).isEqualTo("7");
    assertThat(reloaded.getOrDefault(reloaded.nullPolicy())).isEqualTo("null");
    assertThat(reloaded.transformSchema(data.schema()).fieldNames()).contains("score");
  }
}
