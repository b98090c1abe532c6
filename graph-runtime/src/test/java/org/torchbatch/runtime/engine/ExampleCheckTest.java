package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.CpuInfo;
import org.torchbatch.runtime.archive.ModelExamples;
import org.torchbatch.runtime.testing.Fixtures;

class ExampleCheckTest {

  @Test
  void anArchivesOwnExamplesMatchHere() {
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("examples_mlp"), DeviceSpec.CPU)) {
      List<ExampleCheck.Comparison> found =
          ExampleCheck.run(
              model.newRunner(),
              ModelExamples.read(Fixtures.archive("examples_mlp")).orElseThrow());
      assertThat(found).hasSize(2).allMatch(ExampleCheck.Comparison::matches);
      assertThat(found.get(0).largestDifference()).isLessThan(1e-6);
      assertThatCode(() -> model.checkExamples(false)).doesNotThrowAnyException();
    }
  }

  @Test
  void scaledOutputsFailNamingCallOutputElementToleranceAndPlatform() {
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("examples_scaled"), DeviceSpec.CPU)) {
      for (int attempt = 0; attempt < 2; attempt++) {
        assertThatThrownBy(() -> model.checkExamples(false))
            .isInstanceOf(ExamplesMismatchException.class)
            .hasMessageContaining("Model examples_scaled.pt does not reproduce the examples")
            .hasMessageContaining("call 1 (forward), output 'output' element [")
            .hasMessageContaining("in PyTorch (difference")
            .hasMessageContaining("atol 1.0E-5 + rtol 1.0E-4")
            .hasMessageContaining("2 of 2 outputs differ")
            .hasMessageContaining("libtorch 2.7.1 on cpu")
            .hasMessageContaining(CpuInfo.current().describe());
      }
    }
  }

  @Test
  void dictAndLstmExamplesMatchUnderTheGuard() {
    for (String fixture : List.of("examples_dict", "examples_lstm")) {
      try (ModelHandle model =
          ModelCache.shared().acquire(Fixtures.archive(fixture), DeviceSpec.CPU)) {
        assertThatCode(() -> model.checkExamples(false)).as(fixture).doesNotThrowAnyException();
      }
    }
  }

  @Test
  void aMissingOutputOrAnotherShapeIsAMismatch() {
    String json =
        "{\"calls\": [{\"inputs\": [{\"dtype\": \"float32\", \"shape\": [1, 4], \"values\": [1,"
            + " 2, 3, 4]}], \"outputs\": {\"output\": {\"dtype\": \"float32\", \"shape\": [1, 4],"
            + " \"values\": [0, 0, 0, 0]}, \"extra\": {\"dtype\": \"int64\", \"shape\": [1],"
            + " \"values\": [1]}}}]}";
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("examples_mlp"), DeviceSpec.CPU)) {
      List<ExampleCheck.Comparison> found =
          ExampleCheck.run(model.newRunner(), ModelExamples.parse(json, "test"));
      assertThat(found).noneMatch(ExampleCheck.Comparison::matches);
      assertThat(found.get(0).detail()).isEqualTo("has shape [1, 3] here, [1, 4] in PyTorch");
      assertThat(found.get(1).detail()).isEqualTo("is missing: the call returned [output]");
    }
  }

  @Test
  void flatPositionsReadAsIndices() {
    assertThat(ExampleCheck.index(7, new long[] {4, 2})).isEqualTo("[3, 1]");
    assertThat(ExampleCheck.index(0, new long[] {3})).isEqualTo("[0]");
  }
}
