package org.torchbatch.runtime.archive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An instance of a Python class found in a pickle: its qualified class name and its state. */
final class PickledObject {
  private final String className;
  private final List<Object> constructorArgs;
  private Object state;

  PickledObject(String className, List<Object> constructorArgs) {
    this.className = className;
    this.constructorArgs = constructorArgs;
  }

  String className() {
    return className;
  }

  List<Object> constructorArgs() {
    return constructorArgs;
  }

  void setState(Object state) {
    this.state = state;
  }

  /** Attributes in pickled order: the state dict, or empty when the state is not a dict. */
  Map<String, Object> attributes() {
    Map<String, Object> attributes = new LinkedHashMap<>();
    if (state instanceof Map<?, ?> map) {
      map.forEach((key, value) -> attributes.put(String.valueOf(key), value));
    }
    return attributes;
  }

  boolean isTorchScriptClass() {
    return className.startsWith("__torch__.");
  }
}
