package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.runtime.testing.NativeMemory;

/** Thousands of calls leave resident memory flat: every per-call tensor is closed. */
class NativeMemoryTest {

  @Test
  void residentMemoryStaysFlatOverThousandsOfCalls() {
    float[] values = new float[64 * 512];
    java.util.Arrays.fill(values, 0.5f);
    HostTensor input = HostTensor.ofFloats(values, 64, 512);
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("mlp_small"), DeviceSpec.CPU)) {
      ModelRunner runner = model.newRunner();
      runCalls(runner, input, 300);
      long before = NativeMemory.residentKb();
      runCalls(runner, input, 3000);
      long growthKb = NativeMemory.residentKb() - before;
      // each call allocates ~0.5 MB of activations; a leak of one tensor per call would add GBs
      assertThat(growthKb).as("RSS growth over 3000 calls, KiB").isLessThan(64 * 1024);
    }
  }

  private static void runCalls(ModelRunner runner, HostTensor input, int calls) {
    for (int i = 0; i < calls; i++) {
      try (ModelOutputs outputs = runner.run("forward", List.of(input))) {
        assertThat(outputs.get(0).shape()).containsExactly(64, 10);
      }
    }
  }
}
