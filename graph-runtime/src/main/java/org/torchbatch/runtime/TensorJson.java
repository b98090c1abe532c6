package org.torchbatch.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Tensors as JSON: {@code {"dtype": "float32", "shape": [2, 3], "values": [...flat...]}}. */
public final class TensorJson {
  private TensorJson() {}

  /** The tensor {@code node} describes; an {@link IllegalArgumentException} says what is wrong. */
  public static HostTensor read(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("a tensor is an object, not " + node.getNodeType());
    }
    DType dtype = DType.parse(node.path("dtype").asText("float32"));
    List<Long> shape = new ArrayList<>();
    node.path("shape").forEach(dim -> shape.add(dim.asLong()));
    JsonNode values = node.path("values");
    long expected = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("a tensor's shape has a negative size: " + shape);
      }
      expected = Math.multiplyExact(expected, dim);
    }
    if (!values.isArray() || values.size() != expected) {
      throw new IllegalArgumentException(
          "a " + dtype + shape + " tensor needs " + expected + " values, got " + values.size());
    }
    double[] flat = new double[values.size()];
    for (int i = 0; i < flat.length; i++) {
      JsonNode value = values.get(i);
      flat[i] = value.isBoolean() ? (value.asBoolean() ? 1 : 0) : value.asDouble();
    }
    return HostTensor.fromDoubles(dtype, shape.stream().mapToLong(Long::longValue).toArray(), flat);
  }

  public static ObjectNode write(HostTensor tensor) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("dtype", tensor.dtype().torchName());
    for (long dim : tensor.shape()) {
      node.withArray("shape").add(dim);
    }
    var values = node.putArray("values");
    for (double value : tensor.toDoubles()) {
      if (tensor.dtype() == DType.BOOL) {
        values.add(value != 0);
      } else if (tensor.dtype().isFloating()) {
        values.add(value);
      } else {
        values.add((long) value);
      }
    }
    return node;
  }
}
