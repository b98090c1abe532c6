package org.torchbatch.runtime.engine;

import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.NamedTensors;

/**
 * The named outputs of one model call. It owns the call's native tensors: the {@link HostTensor}
 * views it returns read libtorch's memory directly and are valid until {@link #close()}.
 */
public final class ModelOutputs implements NamedTensors, AutoCloseable {
  private final PtNDManager scope;
  private final List<String> names;
  private final List<PtNDArray> arrays;
  private final boolean namedByKey;
  private boolean closed;

  ModelOutputs(PtNDManager scope, Map<String, PtNDArray> named, boolean namedByKey) {
    this.scope = scope;
    this.names = List.copyOf(named.keySet());
    this.arrays = new ArrayList<>(named.values());
    this.namedByKey = namedByKey;
  }

  /** Output names in a stable order: {@code output}, or {@code _0.._n}, or the dict's keys. */
  @Override
  public List<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  @Override
  public boolean namedByKey() {
    return namedByKey;
  }

  @Override
  public HostTensor get(String name) {
    int index = names.indexOf(name);
    if (index < 0) {
      throw new IllegalArgumentException("no output '" + name + "'; outputs: " + names);
    }
    return get(index);
  }

  /** A zero-copy view on CPU (a contiguous copy first if the tensor is strided or on a GPU). */
  public HostTensor get(int index) {
    if (closed) {
      throw new IllegalStateException("outputs are closed");
    }
    PtNDArray array = arrays.get(index);
    return new HostTensor(
        DTypes.fromDjl(array.getDataType(), names.get(index)),
        array.getShape().getShape(),
        array.toByteBuffer(true));
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      scope.close();
    }
  }
}
