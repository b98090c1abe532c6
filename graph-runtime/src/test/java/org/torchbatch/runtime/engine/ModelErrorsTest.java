package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.archive.MethodNotFoundException;
import org.torchbatch.runtime.testing.Fixtures;

/** Failures come back as exceptions with TorchScript's message and the inputs; the JVM lives on. */
class ModelErrorsTest {

  private static HostTensor ones(long... shape) {
    float[] values = new float[(int) HostTensor.numel(shape)];
    java.util.Arrays.fill(values, 1f);
    return HostTensor.ofFloats(values, shape);
  }

  @Test
  void unknownMethodListsTheCallableOnes() {
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("multi_method"), DeviceSpec.CPU)) {
      assertThatThrownBy(() -> model.newRunner().run("predict", List.of(ones(3, 4))))
          .isInstanceOf(MethodNotFoundException.class)
          .hasMessageContaining("forward, decode, encode, scale");
    }
  }

  @Test
  void unusedMethodRaisesTorchScriptMessage() {
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("calls_unused"), DeviceSpec.CPU)) {
      ModelRunner runner = model.newRunner();
      assertThatThrownBy(() -> runner.run("forward", List.of(ones(5))))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining("calls_unused.pt failed in forward(float32[5])")
          .hasMessageContaining("annotated to be ignored and cannot be run");
      try (ModelOutputs outputs = runner.run("forward", List.of(ones(2)))) {
        assertThat(outputs.get("output").toDoubles()).containsExactly(1.0, 1.0);
      }
    }
  }

  @Test
  void wrongShapeAndDtypeCarryTheInputs() {
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("shape_check"), DeviceSpec.CPU)) {
      ModelRunner runner = model.newRunner();
      assertThatThrownBy(() -> runner.run("forward", List.of(ones(3, 5))))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining("forward(float32[3, 5])")
          .hasMessageContaining("mat1 and mat2 shapes cannot be multiplied");
      HostTensor longs = HostTensor.fromDoubles(DType.INT64, new long[] {3, 4}, new double[12]);
      assertThatThrownBy(() -> runner.run("forward", List.of(longs)))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining("forward(int64[3, 4])");
    }
  }

  @Test
  void wrongArgumentCountIsCaughtBeforeTheCall() {
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("traced_cell"), DeviceSpec.CPU)) {
      assertThatThrownBy(() -> model.newRunner().run("forward", List.of(ones(3, 4))))
          .isInstanceOf(ModelExecutionException.class)
          .hasMessageContaining(
              "forward(x: Tensor, h: Tensor) -> Tuple[Tensor, Tensor] takes 2 argument(s), got 1");
    }
  }

  @Test
  void optionalNonTensorArgumentsKeepTheirDefault() {
    try (ModelHandle model =
            ModelCache.shared().acquire(Fixtures.archive("multi_method"), DeviceSpec.CPU);
        ModelOutputs outputs = model.newRunner().run("scale", List.of(ones(1, 4)))) {
      assertThat(outputs.get("output").toDoubles()).containsOnly(2.0);
    }
  }

  @Test
  void cudaOnACpuBuildFailsFastWithWhatToDo() {
    assertThatThrownBy(
            () ->
                ModelCache.shared().acquire(Fixtures.archive("linear_traced"), DeviceSpec.cuda(0)))
        .isInstanceOf(TorchbatchException.class)
        .hasMessageContaining("Device cuda:0 was asked for, but libtorch sees 0 GPU(s)")
        .hasMessageContaining("use device cpu");
  }
}
