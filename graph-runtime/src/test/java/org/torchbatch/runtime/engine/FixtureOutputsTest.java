package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.testing.ExpectedCalls;
import org.torchbatch.runtime.testing.FixtureSuite;
import org.torchbatch.runtime.testing.Fixtures;

/** Every fixture archive, loaded by libtorch 2.7.1, returns what PyTorch returned for it. */
class FixtureOutputsTest {

  @ParameterizedTest
  @FieldSource("org.torchbatch.runtime.testing.FixtureSuite#MODELS")
  void matchesPyTorch(String fixture) {
    FixtureSuite.check(fixture);
  }

  @Test
  void tracedFunctionKeepsTheBranchItWasTracedWith() {
    // traced with positive input: negative input still doubles instead of subtracting one
    ExpectedCalls.Call call = ExpectedCalls.of("traced_frozen_if").calls().get(0);
    try (ModelHandle model =
            ModelCache.shared().acquire(Fixtures.archive("traced_frozen_if"), DeviceSpec.CPU);
        ModelOutputs outputs = model.newRunner().run("forward", call.inputs())) {
      assertThat(outputs.get("output").toDoubles()).containsOnly(-2.0);
    }
  }

  @Test
  void archiveFromPyTorch211MatchesItsReference() throws IOException {
    JsonNode reference =
        new ObjectMapper().readTree(Fixtures.path("mlp_small.reference.json").toFile());
    float[] x = new float[4 * 512];
    for (int row = 0; row < 4; row++) {
      for (int col = 0; col < 512; col++) {
        x[row * 512 + col] = (float) reference.path("x").get(row).get(col).asDouble();
      }
    }
    try (ModelHandle model =
            ModelCache.shared().acquire(Fixtures.archive("mlp_small"), DeviceSpec.CPU);
        ModelOutputs outputs =
            model.newRunner().run("forward", java.util.List.of(HostTensor.ofFloats(x, 4, 512)))) {
      HostTensor y = outputs.get("output");
      assertThat(y.shape()).containsExactly(4, 10);
      double[] got = y.toDoubles();
      for (int row = 0; row < 4; row++) {
        for (int col = 0; col < 10; col++) {
          assertThat(got[row * 10 + col])
              .isCloseTo(
                  reference.path("y").get(row).get(col).asDouble(),
                  org.assertj.core.api.Assertions.within(1e-4));
        }
      }
    }
  }
}
