package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.TorchbatchException;

/** Every spark.torchbatch.* key is declared: a typo is an error naming the key it meant. */
class TorchbatchConfTest {
  @Test
  void declaredKeysPassAndTheJobsOptionsAreLeftToTheJob() {
    assertThatCode(
            () ->
                TorchbatchConf.checkKnown(
                    List.of(
                        "spark.torchbatch.model.fraud.v7.path",
                        "spark.torchbatch.model.m.batchSize",
                        "spark.torchbatch.defaultModel",
                        "spark.torchbatch.parquet.readAhead",
                        "spark.torchbatch.job.whatever",
                        "spark.sql.shuffle.partitions")))
        .doesNotThrowAnyException();
  }

  @Test
  void aTypoNamesTheClosestKey() {
    assertThatThrownBy(
            () -> TorchbatchConf.checkKnown(List.of("spark.torchbatch.parquet.readahead")))
        .isInstanceOf(TorchbatchException.class)
        .hasMessageContaining("did you mean spark.torchbatch.parquet.readAhead?");
    assertThatThrownBy(() -> TorchbatchConf.checkKnown(List.of("spark.torchbatch.defaultmodel")))
        .hasMessageContaining("did you mean spark.torchbatch.defaultModel?");
    assertThatThrownBy(() -> TorchbatchConf.checkKnown(List.of("spark.torchbatch.model.m.shape")))
        .hasMessageContaining("did you mean spark.torchbatch.model.m.shapes?");
  }

  @Test
  void swappedLettersAreOneEditAndTheFirstDeclaredWinsATie() {
    assertThat(Setting.closest("modle", List.of("model", "mode"))).isEqualTo("model");
    assertThat(Setting.closest("batchsize", List.of("batchSize", "maxBatchSize")))
        .isEqualTo("batchSize");
  }

  @Test
  void valuesAreCheckedAgainstTheirKind() {
    assertThatThrownBy(() -> TorchbatchConf.model("maxBatchBytes").check("k", "lots"))
        .hasMessage("k must be a size in bytes, e.g. 512k, 64m, 1g, got 'lots'");
    assertThatThrownBy(() -> TorchbatchConf.model("checkExamples").check("k", "yes"))
        .hasMessage("k must be true or false, got 'yes'");
    assertThatThrownBy(() -> TorchbatchConf.model("nullPolicy").check("k", "drop"))
        .hasMessage("k must be one of fail, null, got 'drop'");
    assertThatThrownBy(() -> TorchbatchConf.model("maxBatchSize").check("k", "0"))
        .hasMessage("k must be a positive integer, got '0'");
  }
}
