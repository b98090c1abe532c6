package org.torchbatch.runtime.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.testing.Fixtures;

class ModelExamplesTest {
  private static final String ONE_CALL =
      "{\"calls\": [{\"method\": \"forward\", \"inputs\": [{\"dtype\": \"float32\", \"shape\": [1,"
          + " 2], \"values\": [1, 2]}], \"outputs\": {\"output\": {\"dtype\": \"float32\","
          + " \"shape\": [1], \"values\": [NaN]}}}]%s}";

  @Test
  void archivesCarryThemAsAnExtraFile() {
    ModelExamples examples = ModelExamples.read(Fixtures.archive("examples_mlp")).orElseThrow();
    assertThat(examples.calls()).hasSize(2);
    assertThat(examples.calls().get(0).inputs().get(0).shape()).containsExactly(3, 4);
    assertThat(examples.calls().get(0).outputs()).containsOnlyKeys("output");
    assertThat(examples.rtol()).isEqualTo(ModelExamples.DEFAULT_RTOL);
    assertThat(ArchiveReader.read(Fixtures.archive("examples_mlp")).hasExamples()).isTrue();
    assertThat(ArchiveReader.read(Fixtures.archive("linear_traced")).hasExamples()).isFalse();
    assertThat(ModelExamples.read(Fixtures.archive("linear_traced"))).isEmpty();
  }

  @Test
  void tolerancesDefaultAndNaNIsRead() {
    ModelExamples examples = ModelExamples.parse(String.format(ONE_CALL, ""), "m.pt");
    assertThat(examples.atol()).isEqualTo(ModelExamples.DEFAULT_ATOL);
    assertThat(examples.calls().get(0).outputs().get("output").toDoubles()[0]).isNaN();
    assertThat(examples.calls().get(0).inputs().get(0).dtype()).isEqualTo(DType.FLOAT32);
    assertThat(ModelExamples.parse(String.format(ONE_CALL, ", \"rtol\": 0.01"), "m.pt").rtol())
        .isEqualTo(0.01);
  }

  @Test
  void unusableExamplesNameTheArchiveAndWhatIsWrong() {
    assertThatThrownBy(() -> ModelExamples.parse("{}", "m.pt"))
        .isInstanceOf(ArchiveException.class)
        .hasMessageContaining("The examples in m.pt (torchbatch/examples.json) are unusable")
        .hasMessageContaining("no \"calls\"");
    assertThatThrownBy(() -> ModelExamples.parse(String.format(ONE_CALL, ", \"atol\": -1"), "m.pt"))
        .hasMessageContaining("\"atol\" must be a number >= 0");
    assertThatThrownBy(
            () ->
                ModelExamples.parse(
                    String.format(ONE_CALL, "").replace("\"values\": [1, 2]", "\"values\": [1]"),
                    "m.pt"))
        .hasMessageContaining("call 1: a float32[1, 2] tensor needs 2 values, got 1");
    assertThatThrownBy(() -> ModelExamples.parse("{\"calls\": [", "m.pt"))
        .isInstanceOf(ArchiveException.class);
  }
}
