package org.torchbatch.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;

/** Tensors as JSON: {@code {"dtype": "float32", "shape": [2, 3], "values": [...flat...]}}. */
public final class TensorJson {
  private TensorJson() {}

  public static HostTensor read(JsonNode node) {
    DType dtype = DType.parse(node.path("dtype").asText("float32"));
    List<Long> shape = new ArrayList<>();
    node.path("shape").forEach(dim -> shape.add(dim.asLong()));
    JsonNode values = node.path("values");
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
