package org.torchbatch.runtime;

import java.util.List;

/** Tensors by name in a stable order: what a model call returns. */
public interface NamedTensors {
  List<String> names();

  HostTensor get(String name);

  /**
   * Whether the names are a dict's keys, chosen by the model, rather than positions ({@code
   * output}, {@code _0}, {@code _1}...): callers select keys by name, positions by order.
   */
  default boolean namedByKey() {
    return false;
  }
}
