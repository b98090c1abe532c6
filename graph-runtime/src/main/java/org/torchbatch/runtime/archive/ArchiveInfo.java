package org.torchbatch.runtime.archive;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.torchbatch.runtime.DType;

/**
 * What a TorchScript archive holds, read without loading it.
 *
 * @param file the archive's file name
 * @param formatVersion the serialization format version written in the archive
 * @param rootClass the qualified TorchScript class of the saved module
 * @param methods callable methods, {@code forward} first
 * @param tensors parameters, buffers, tensor attributes and code constants
 * @param extraFiles {@code extra/} files by name with their text (files saved via {@code
 *     _extra_files})
 * @param tracedInputs example inputs recorded by {@code torch.jit.trace}, when the archive has them
 * @param operators every operator the archive's code calls ({@code aten::lstm}, {@code
 *     prim::NumToTensor}), sorted
 * @param writtenBy which PyTorch releases write an archive like this one (archives record no
 *     version: PyTorch 2.1 added the {@code byteorder} record)
 */
public record ArchiveInfo(
    String file,
    long formatVersion,
    String rootClass,
    List<MethodSignature> methods,
    List<TensorInfo> tensors,
    Map<String, String> extraFiles,
    List<TracedInput> tracedInputs,
    Set<String> operators,
    String writtenBy) {

  public Optional<MethodSignature> method(String name) {
    return methods.stream().filter(m -> m.name().equals(name)).findFirst();
  }

  /** The method or an error that lists the callable ones. */
  public MethodSignature requireMethod(String name) {
    return method(name)
        .orElseThrow(
            () ->
                new MethodNotFoundException(
                    "Model "
                        + file
                        + " has no method '"
                        + name
                        + "'; callable methods: "
                        + methodNames()));
  }

  /** Whether the archive carries example calls with PyTorch's outputs ({@link ModelExamples}). */
  public boolean hasExamples() {
    return extraFiles.containsKey(ModelExamples.EXTRA_FILE);
  }

  public String methodNames() {
    return methods.stream().map(MethodSignature::name).collect(Collectors.joining(", "));
  }

  public long parameterCount() {
    return tensors.stream()
        .filter(t -> t.kind() == TensorInfo.Kind.PARAMETER)
        .mapToLong(t -> t.bytes() / t.dtype().byteSize())
        .sum();
  }

  /**
   * The floating dtype the model's weights imply for its inputs: float64 when every floating
   * parameter and buffer is float64 (likewise float16 or bfloat16), else float32.
   */
  public DType preferredFloatType() {
    List<DType> floating =
        tensors.stream()
            .filter(t -> t.kind() != TensorInfo.Kind.CONSTANT && t.dtype().isFloating())
            .map(TensorInfo::dtype)
            .distinct()
            .toList();
    return floating.size() == 1 ? floating.get(0) : DType.FLOAT32;
  }

  /**
   * The dtype an argument most likely wants: what the trace recorded for it when known, else the
   * floating type the weights imply.
   */
  public DType defaultInputType(String method, int position) {
    return tracedInputs.stream()
        .filter(t -> t.method().equals(method) && t.position() == position)
        .map(TracedInput::dtype)
        .findFirst()
        .orElseGet(this::preferredFloatType);
  }
}
