package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.archive.ArchiveReader;
import org.torchbatch.runtime.testing.Fixtures;

/** Archives of PyTorch 2.11 (mlp_small) edited as a newer exporter would have written them. */
class LoadFailureTest {
  private static final String LINEAR = "modules/linear.py";

  @Test
  void anOperatorLibtorchLacksIsNamedWithBothVersions() {
    Path archive =
        Fixtures.edited(
            "mlp_small", LINEAR, code -> code.replace("torch.linear(", "torch.linear_v2("));
    assertThat(ArchiveReader.read(archive).operators()).contains("aten::linear_v2");
    assertThatThrownBy(() -> ModelCache.shared().acquire(archive, DeviceSpec.CPU))
        .isInstanceOf(ModelExecutionException.class)
        .hasMessageContaining(
            "calls the operator aten::linear_v2, which libtorch 2.7.1 does not have")
        .hasMessageContaining("the archive was written by PyTorch 2.1 or newer")
        .hasMessageContaining("File \"code/__torch__/torch/nn/modules/linear.py\", line 12")
        .hasMessageNotContaining("shape");
  }

  @Test
  void aSignatureLibtorchLacksIsNamed() {
    Path archive =
        Fixtures.edited("mlp_small", LINEAR, code -> code.replace("torch.linear(", "torch.relu("));
    assertThatThrownBy(() -> ModelCache.shared().acquire(archive, DeviceSpec.CPU))
        .isInstanceOf(ModelExecutionException.class)
        .hasMessageContaining("calls aten::relu with arguments that libtorch 2.7.1's aten::relu")
        .hasMessageContaining("PyTorch 2.1 or newer");
  }

  @Test
  void archivesOfPyTorch1AreToldApart() {
    assertThat(ArchiveReader.read(Fixtures.archive("linear_traced")).writtenBy())
        .isEqualTo("PyTorch 2.0 or older");
    assertThat(ArchiveReader.read(Fixtures.archive("mlp_small")).writtenBy())
        .isEqualTo("PyTorch 2.1 or newer");
  }
}
