package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.pytorch.jni.JniUtils;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.testing.Fixtures;

class TorchEngineTest {

  @Test
  void executorDefaultsUseOneThreadAndRunOffline() {
    RuntimeSettings settings = TorchEngine.settings();
    assertThat(JniUtils.getNumThreads()).isEqualTo(settings.intraOpThreads());
    assertThat(JniUtils.getNumInteropThreads()).isEqualTo(settings.interOpThreads());
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
  }

  @Test
  void eachRunnerAppliesItsThreadCountOnTheThreadThatRunsIt() throws Exception {
    float[] values = new float[16];
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("linear_traced"), DeviceSpec.CPU)) {
      int[] seen = new int[2];
      for (int threads = 1; threads <= 2; threads++) {
        ModelRunner runner = model.newRunner(threads);
        int slot = threads - 1;
        Thread worker =
            new Thread(
                () -> {
                  runner.run("forward", List.of(HostTensor.ofFloats(values, 4, 4))).close();
                  seen[slot] = JniUtils.getNumThreads();
                });
        worker.start();
        worker.join();
      }
      assertThat(seen).containsExactly(1, 2);
    }
  }

  @Test
  void missingNativesNameTheArtifactToAdd() {
    try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
      assertThatThrownBy(() -> TorchEngine.checkNativesPresent(empty, null))
          .isInstanceOf(NativeLibraryException.class)
          .hasMessageContaining("never downloads")
          .hasMessageContaining("ai.djl.pytorch:pytorch-native-cpu:2.7.1:linux-x86_64");
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void nativesFromTheClasspathAreFound() {
    assertThatCode(() -> TorchEngine.checkNativesPresent(getClass().getClassLoader(), null))
        .doesNotThrowAnyException();
  }

  @Test
  void devicesParse() {
    assertThat(DeviceSpec.parse("cpu")).isEqualTo(DeviceSpec.CPU);
    assertThat(DeviceSpec.parse("cuda")).isEqualTo(DeviceSpec.cuda(0));
    assertThat(DeviceSpec.parse("CUDA:3")).isEqualTo(DeviceSpec.cuda(3));
    assertThatThrownBy(() -> DeviceSpec.parse("tpu"))
        .hasMessageContaining("use cpu, cuda or cuda:N");
  }
}
