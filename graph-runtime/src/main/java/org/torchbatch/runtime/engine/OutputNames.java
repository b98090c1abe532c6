package org.torchbatch.runtime.engine;

import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Names a method's result: a tensor is {@code output}; tuple and list elements are {@code _0, _1,
 * ...} (nested ones {@code _0_1}); dict entries keep their string keys, sorted for a stable order.
 */
final class OutputNames {
  static final String SINGLE = "output";

  private OutputNames() {}

  static Map<String, PtNDArray> flatten(IValue result, PtNDManager scope, String file) {
    Map<String, PtNDArray> named = new LinkedHashMap<>();
    if (result.isTensor()) {
      named.put(SINGLE, result.toTensor(scope));
    } else {
      collect("", result, scope, named, file);
    }
    return named;
  }

  private static void collect(
      String prefix, IValue value, PtNDManager scope, Map<String, PtNDArray> out, String file) {
    if (value.isTensor()) {
      out.put(prefix.isEmpty() ? SINGLE : prefix, value.toTensor(scope));
    } else if (value.isTensorList()) {
      PtNDArray[] tensors = value.toTensorArray(scope);
      for (int i = 0; i < tensors.length; i++) {
        out.put(prefix + "_" + i, tensors[i]);
      }
    } else if (value.isTuple() || value.isList()) {
      IValue[] elements = value.isTuple() ? value.toIValueTuple() : value.toIValueArray();
      try {
        for (int i = 0; i < elements.length; i++) {
          collect(prefix + "_" + i, elements[i], scope, out, file);
        }
      } finally {
        closeAll(elements);
      }
    } else if (value.isMap()) {
      Map<String, IValue> entries = new TreeMap<>(value.toIValueMap());
      try {
        for (Map.Entry<String, IValue> entry : entries.entrySet()) {
          String name = prefix.isEmpty() ? entry.getKey() : prefix + "_" + entry.getKey();
          collect(name, entry.getValue(), scope, out, file);
        }
      } finally {
        closeAll(entries.values().toArray(new IValue[0]));
      }
    } else {
      throw new ModelExecutionException(
          "Model "
              + file
              + " returned "
              + value.getType()
              + (prefix.isEmpty() ? "" : " at " + prefix)
              + "; torchbatch reads a Tensor, a tuple or list of Tensors, or a Dict[str, Tensor]");
    }
  }

  private static void closeAll(IValue[] values) {
    for (IValue value : values) {
      value.close();
    }
  }
}
