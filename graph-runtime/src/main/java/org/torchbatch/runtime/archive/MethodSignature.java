package org.torchbatch.runtime.archive;

import java.util.List;
import java.util.Set;

/**
 * A method compiled into the archive, as its {@code code/} declares it.
 *
 * @param name the method name, e.g. {@code forward}
 * @param arguments the arguments after {@code self}, with their declared TorchScript types
 * @param returnType the declared return type, e.g. {@code Tuple[Tensor, Tensor]}
 * @param code the method's TorchScript source as stored (what {@code module.code} shows)
 */
public record MethodSignature(
    String name, List<Argument> arguments, String returnType, String code) {
  /** What TorchScript compiles in place of a call to an {@code @torch.jit.unused} function. */
  public static final String IGNORED_FUNCTION = "This Python function is annotated to be ignored";

  /** One declared argument; {@code defaultValue} is null when the caller must pass it. */
  public record Argument(String name, String type, String defaultValue) {
    public boolean isTensor() {
      return type.equals("Tensor") || type.equals("Optional[Tensor]");
    }

    public boolean isRequired() {
      return defaultValue == null;
    }
  }

  /** The operators this method's own code calls (not those of the submodules it calls). */
  public Set<String> operators() {
    return OperatorCalls.in(code);
  }

  /**
   * Whether this method's code calls a function marked {@code @torch.jit.unused} or {@code ignore}:
   * not compiled into the archive, it raises when reached.
   */
  public boolean reachesIgnoredFunction() {
    return code.contains(IGNORED_FUNCTION);
  }

  /** The number of arguments a caller must pass. */
  public int requiredArgumentCount() {
    return (int) arguments.stream().filter(Argument::isRequired).count();
  }

  /** {@code forward(x: Tensor, h: Tensor) -> Tuple[Tensor, Tensor]}. */
  public String describe() {
    StringBuilder out = new StringBuilder(name).append('(');
    for (int i = 0; i < arguments.size(); i++) {
      Argument argument = arguments.get(i);
      out.append(i == 0 ? "" : ", ").append(argument.name()).append(": ").append(argument.type());
      if (argument.defaultValue() != null) {
        out.append('=').append(argument.defaultValue());
      }
    }
    return out.append(") -> ").append(returnType).toString();
  }
}
