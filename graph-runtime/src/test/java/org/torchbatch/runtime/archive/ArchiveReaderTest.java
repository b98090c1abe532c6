package org.torchbatch.runtime.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.archive.TensorInfo.Kind;
import org.torchbatch.runtime.testing.Fixtures;

class ArchiveReaderTest {

  private static ArchiveInfo read(String name) {
    return ArchiveReader.read(Fixtures.archive(name));
  }

  @Test
  void readsTracedModuleWithTwoInputsAndTupleOutput() {
    ArchiveInfo info = read("traced_cell");

    assertThat(info.formatVersion()).isBetween(1L, ArchiveReader.MAX_FORMAT_VERSION);
    assertThat(info.methodNames()).isEqualTo("forward");
    MethodSignature forward = info.requireMethod("forward");
    assertThat(forward.arguments())
        .extracting(MethodSignature.Argument::name, MethodSignature.Argument::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("x", "Tensor"),
            org.assertj.core.groups.Tuple.tuple("h", "Tensor"));
    assertThat(forward.returnType()).isEqualTo("Tuple[Tensor, Tensor]");
    assertThat(info.tensors())
        .extracting(TensorInfo::name, TensorInfo::kind, TensorInfo::dtype, TensorInfo::shape)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "linear.weight", Kind.PARAMETER, DType.FLOAT32, List.of(4L, 4L)),
            org.assertj.core.groups.Tuple.tuple(
                "linear.bias", Kind.PARAMETER, DType.FLOAT32, List.of(4L)));
    assertThat(info.tensors().get(0).bytes()).isEqualTo(64);
  }

  @Test
  void listsExportedMethodsButNotIgnoredOnesAndReadsExtraFiles() {
    ArchiveInfo info = read("scripted_export_ignore");

    assertThat(info.methodNames()).isEqualTo("forward, shifted");
    assertThat(info.rootClass()).isEqualTo("__torch__.ExportIgnore");
    assertThat(info.extraFiles()).containsEntry("meta.json", "{\"owner\": \"torchbatch tests\"}");
    assertThat(info.tensors()).singleElement().extracting(TensorInfo::name).isEqualTo("scale");
  }

  @Test
  void readsMultipleMethodsWithDefaultArguments() {
    ArchiveInfo info = read("multi_method");

    assertThat(info.methodNames()).isEqualTo("forward, decode, encode, scale");
    MethodSignature scale = info.requireMethod("scale");
    assertThat(scale.describe()).isEqualTo("scale(x: Tensor, factor: float=2.) -> Tensor");
    assertThat(scale.requiredArgumentCount()).isEqualTo(1);
  }

  @Test
  void tracedFunctionShowsFrozenBranchInItsCode() {
    ArchiveInfo info = read("traced_frozen_if");

    MethodSignature forward = info.requireMethod("forward");
    assertThat(forward.code()).contains("torch.mul(x, CONSTANTS.c0)").doesNotContain("if ");
    assertThat(info.tensors())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.name()).isEqualTo("CONSTANTS.c0");
              assertThat(t.kind()).isEqualTo(Kind.CONSTANT);
            });
  }

  @Test
  void scriptedFunctionKeepsItsDataDependentIf() {
    assertThat(read("scripted_if").requireMethod("forward").code()).contains("if ");
  }

  @Test
  void walksNestedScriptedAndTracedSubmodules() {
    assertThat(read("scripted_holds_traced").tensors())
        .extracting(TensorInfo::name)
        .containsExactly("cell.linear.weight", "cell.linear.bias");
    assertThat(read("traced_holds_scripted").tensors())
        .extracting(TensorInfo::name)
        .containsExactly("linear.weight", "linear.bias");
  }

  @Test
  void classifiesBuffersOfBatchNorm() {
    ArchiveInfo info = read("conv_net");

    assertThat(info.tensors())
        .filteredOn(t -> t.kind() == Kind.BUFFER)
        .extracting(TensorInfo::name)
        .containsExactly("bn.running_mean", "bn.running_var", "bn.num_batches_tracked");
    assertThat(info.tensors())
        .filteredOn(t -> t.name().equals("bn.num_batches_tracked"))
        .singleElement()
        .extracting(TensorInfo::dtype)
        .isEqualTo(DType.INT64);
  }

  @Test
  void infersInputTypeFromWeights() {
    assertThat(read("float64_mlp").preferredFloatType()).isEqualTo(DType.FLOAT64);
    assertThat(read("float64_mlp").defaultInputType("forward", 0)).isEqualTo(DType.FLOAT64);
    assertThat(read("linear_traced").preferredFloatType()).isEqualTo(DType.FLOAT32);
    assertThat(read("dict_output").requireMethod("forward").returnType())
        .isEqualTo("Dict[str, Tensor]");
  }

  @Test
  void readsArchiveWrittenByRecentPyTorchWithTracedInputs() {
    ArchiveInfo info = read("mlp_small");

    assertThat(info.rootClass()).isEqualTo("__torch__.torch.nn.modules.container.Sequential");
    assertThat(info.parameterCount())
        .isEqualTo(512 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10);
    assertThat(info.tracedInputs())
        .containsExactly(new TracedInput("forward", 0, DType.FLOAT32, List.of(2L, 512L)));
    assertThat(info.defaultInputType("forward", 0)).isEqualTo(DType.FLOAT32);
  }

  @Test
  void readsFromStream() throws IOException {
    try (InputStream in = Files.newInputStream(Fixtures.archive("linear_scripted"))) {
      assertThat(ArchiveReader.read(in, "linear_scripted.pt").methodNames()).isEqualTo("forward");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"state_dict.pt", "whole_module.pt", "legacy_state_dict.pt"})
  void explainsTorchSaveFiles(String file) {
    assertThatThrownBy(() -> ArchiveReader.read(Fixtures.path(file)))
        .isInstanceOf(ArchiveException.class)
        .hasMessageStartingWith(file)
        .hasMessageContaining("torch.save()")
        .hasMessageContaining("torch.jit.save");
  }

  @Test
  void namesWhatATorchSaveFileHolds() {
    assertThatThrownBy(() -> ArchiveReader.read(Fixtures.path("state_dict.pt")))
        .hasMessageContaining("state_dict");
    assertThatThrownBy(() -> ArchiveReader.read(Fixtures.path("whole_module.pt")))
        .hasMessageContaining("whole Python module object (torch.nn.modules.linear.Linear)");
  }

  @Test
  void refusesBrokenAndForeignFiles() {
    assertThatThrownBy(() -> ArchiveReader.read(Fixtures.path("truncated.pt")))
        .hasMessageContaining("truncated or corrupt zip");
    assertThatThrownBy(() -> ArchiveReader.read(Fixtures.path("not_torch.zip")))
        .hasMessageContaining("not a PyTorch archive");
    assertThatThrownBy(() -> ArchiveReader.read(Fixtures.path("future_version.pt")))
        .hasMessageContaining("format version 99")
        .hasMessageContaining("reads versions 1 to 10");
    assertThatThrownBy(() -> ArchiveReader.read(Fixtures.path("zip_slip.pt")))
        .hasMessageContaining("resolves outside its folder");
    assertThatThrownBy(() -> ArchiveReader.read(Fixtures.path("linear_traced.expected.json")))
        .hasMessageContaining("not a zip file");
  }

  @Test
  void unknownMethodListsTheCallableOnes() {
    assertThatThrownBy(() -> read("multi_method").requireMethod("predict"))
        .isInstanceOf(MethodNotFoundException.class)
        .hasMessageContaining("no method 'predict'")
        .hasMessageContaining("forward, decode, encode, scale");
  }
}
