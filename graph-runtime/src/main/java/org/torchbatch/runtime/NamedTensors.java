package org.torchbatch.runtime;

import java.util.List;

/** Tensors by name in a stable order: what a model call returns. */
public interface NamedTensors {
  List<String> names();

  HostTensor get(String name);
}
