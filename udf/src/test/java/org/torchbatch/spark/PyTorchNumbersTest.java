package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.testing.ExpectedCalls;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

/** SQL {@code predict} over a fixture's recorded input returns what PyTorch returned for it. */
class PyTorchNumbersTest extends SparkTestBase {

  @Test
  void lstmThroughSqlMatchesPyTorch() {
    ExpectedCalls.Call call = ExpectedCalls.of("token_lstm").calls().get(0);
    declare("lstm", "path", Fixtures.archive("token_lstm").toString());
    declare("lstm", "shapes", "7");
    registerTokens(call.inputs().get(0));
    List<Row> rows =
        spark.sql("SELECT id, predict('lstm', tokens) FROM tokens ORDER BY id").collectAsList();
    assertRowsMatch(rows, call.outputs().get("output"));
  }

  @Test
  void oneDnnLstmIsASettingOfTheModel() {
    ExpectedCalls.Call call = ExpectedCalls.of("token_lstm").calls().get(0);
    declare("lstm_onednn", "path", Fixtures.archive("token_lstm").toString());
    declare("lstm_onednn", "shapes", "7");
    declare("lstm_onednn", "oneDnnLstm", "true");
    registerTokens(call.inputs().get(0));
    // oneDNN's numbers differ on some CPUs only: this checks the setting is taken, not its values
    assertThat(
            spark
                .sql("SELECT predict('lstm_onednn', tokens) FROM tokens")
                .collectAsList()
                .get(0)
                .getList(0))
        .hasSize(2);
    declare("lstm_onednn", "oneDnnLstm", "maybe");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> spark.sql("SELECT predict('lstm_onednn', tokens) FROM tokens").collect())
        .hasMessageContaining(
            "spark.torchbatch.model.lstm_onednn.oneDnnLstm must be true or false");
  }

  @Test
  void dictOutputsAreSelectedByKeyNotRenamedByPosition() {
    ExpectedCalls.Call call = ExpectedCalls.of("dict_output").calls().get(0);
    declare("scores", "path", Fixtures.archive("dict_output").toString());
    declare("scores", "shapes", "3");
    declare("scores", "outputs", "probs,label");
    registerRows(call.inputs().get(0));
    List<Row> rows =
        spark.sql("SELECT id, predict('scores', x) AS p FROM rows ORDER BY id").collectAsList();
    HostTensor probs = call.outputs().get("probs");
    double[] labels = call.outputs().get("label").toDoubles();
    for (Row row : rows) {
      Row struct = row.getStruct(1);
      assertThat(struct.schema().fieldNames()).containsExactly("probs", "label");
      int r = (int) row.getLong(0);
      assertThat(struct.getLong(1)).isEqualTo((long) labels[r]);
      List<Float> p = struct.getList(0);
      assertThat((double) p.get(1)).isCloseTo(probs.toDoubles()[r * 2 + 1], within(1e-5));
    }
    declare("scores", "outputs", "probs,score");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> spark.sql("SELECT predict('scores', x) FROM rows").collect())
        .hasMessageContaining("without the key 'score'")
        .hasMessageContaining("[label, probs]");
  }

  @Test
  void examplesThatDifferFailTheQueryBeforeAnyTaskUnlessTheCheckIsOff() {
    declare("scaled", "path", Fixtures.archive("examples_scaled").toString());
    declare("scaled", "shapes", "4");
    registerRows(ExpectedCalls.of("linear_traced").calls().get(0).inputs().get(0));
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> spark.sql("SELECT predict('scaled', x) FROM rows").collect())
        .hasMessageContaining("Model 'scaled': Model examples_scaled.pt does not reproduce")
        .hasMessageContaining("call 1 (forward), output 'output' element [")
        .hasMessageContaining("spark.torchbatch.model.scaled.checkExamples=false");
    declare("scaled", "checkExamples", "false");
    assertThat(spark.sql("SELECT predict('scaled', x) FROM rows").collectAsList()).hasSize(3);
  }

  @Test
  void executorsCheckTooAndReleaseTheModelWhenTheyFail() {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    ModelConfig unchecked =
        ModelConfig.parse(
            "scaled_on_executor",
            Map.of(
                ModelConfig.PREFIX + "scaled_on_executor.path",
                Fixtures.archive("examples_scaled").toString(),
                ModelConfig.PREFIX + "scaled_on_executor.shapes",
                "4",
                ModelConfig.PREFIX + "scaled_on_executor.checkExamples",
                "false"));
    PreparedModel prepared =
        ModelInspector.prepare(
            unchecked,
            List.of("x"),
            List.of(DataTypes.createArrayType(DataTypes.FloatType)),
            hadoop);
    ModelConfig checked =
        ModelConfig.parse(
            "scaled_on_executor",
            Map.of(
                ModelConfig.PREFIX + "scaled_on_executor.path",
                Fixtures.archive("examples_scaled").toString(),
                ModelConfig.PREFIX + "scaled_on_executor.shapes",
                "4"));
    PreparedModel onExecutor =
        new PreparedModel(
            checked,
            prepared.sha256(),
            prepared.archiveFile(),
            prepared.source(),
            prepared.arguments(),
            prepared.outputs(),
            prepared.rowBytes());
    int handles = ModelCache.shared().openHandles();
    try (BufferAllocator allocator = new RootAllocator()) {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  new ModelBatchRunner(
                      onExecutor, hadoop, allocator, 1, List.of(), NoMetrics.INSTANCE))
          .hasMessageContaining("does not reproduce the examples");
    }
    assertThat(ModelCache.shared().openHandles()).isEqualTo(handles);
  }

  private static void registerRows(HostTensor x) {
    register("rows", "x", x, DataTypes.FloatType);
  }

  private static void registerTokens(HostTensor tokens) {
    register("tokens", "tokens", tokens, DataTypes.LongType);
  }

  /** A view {@code (id, column)} with one row per row of a {@code [rows, width]} tensor. */
  private static void register(String view, String column, HostTensor tensor, DataType type) {
    int rows = (int) tensor.shape()[0];
    int width = (int) tensor.shape()[1];
    double[] values = tensor.toDoubles();
    List<Row> data = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      List<Object> row = new ArrayList<>();
      for (int c = 0; c < width; c++) {
        double value = values[r * width + c];
        row.add(type == DataTypes.LongType ? (Object) (long) value : (Object) (float) value);
      }
      data.add(RowFactory.create((long) r, row));
    }
    StructType schema =
        new StructType().add("id", DataTypes.LongType).add(column, DataTypes.createArrayType(type));
    spark.createDataFrame(data, schema).createOrReplaceTempView(view);
  }

  private static void assertRowsMatch(List<Row> rows, HostTensor expected) {
    int width = (int) expected.shape()[1];
    double[] want = expected.toDoubles();
    assertThat(rows).hasSize((int) expected.shape()[0]);
    for (Row row : rows) {
      int r = (int) row.getLong(0);
      List<Float> got = row.getList(1);
      for (int c = 0; c < width; c++) {
        assertThat((double) got.get(c))
            .as("row %d, column %d", r, c)
            .isCloseTo(want[r * width + c], within(1e-5));
      }
    }
  }
}
