package org.torchbatch.bridge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.NamedTensors;

/** The columns a model's outputs become, fixed once (from a sample call) for a whole run. */
public record OutputLayout(List<OutputField> fields) implements java.io.Serializable {

  public OutputLayout {
    fields = List.copyOf(fields);
  }

  /**
   * The layout of a sample call's outputs. {@code columns} (empty keeps the model's names) selects
   * a dict's keys by name, in the order given; other outputs it renames in order.
   */
  public static OutputLayout of(NamedTensors sample, List<String> columns) {
    List<String> outputs = sample.namedByKey() ? selectedKeys(sample, columns) : sample.names();
    if (!sample.namedByKey() && !columns.isEmpty() && columns.size() != outputs.size()) {
      throw new BridgeException(
          "The model returns "
              + outputs.size()
              + " output(s) "
              + outputs
              + " but "
              + columns.size()
              + " names were given: "
              + columns);
    }
    List<OutputField> fields = new ArrayList<>();
    for (int i = 0; i < outputs.size(); i++) {
      HostTensor tensor = sample.get(outputs.get(i));
      if (tensor.shape().length == 0) {
        throw new BridgeException(
            "Output '"
                + outputs.get(i)
                + "' is a scalar for the whole batch, not one value per row: the model must return a tensor whose first dimension is the batch");
      }
      long[] rowShape = Arrays.copyOfRange(tensor.shape(), 1, tensor.shape().length);
      fields.add(
          new OutputField(
              outputs.get(i),
              columns.isEmpty() ? outputs.get(i) : columns.get(i),
              tensor.dtype(),
              rowShape));
    }
    return new OutputLayout(fields);
  }

  /** The dict keys {@code columns} names (all of them when it is empty), in its order. */
  private static List<String> selectedKeys(NamedTensors sample, List<String> columns) {
    if (columns.isEmpty()) {
      return sample.names();
    }
    Set<String> seen = new HashSet<>();
    for (String column : columns) {
      if (!sample.names().contains(column)) {
        throw new BridgeException(
            "The model returns a dict without the key '"
                + column
                + "'; its keys: "
                + sample.names()
                + " (names given for a dict's outputs select its keys)");
      }
      if (!seen.add(column)) {
        throw new BridgeException("The dict key '" + column + "' is named twice in " + columns);
      }
    }
    return List.copyOf(columns);
  }

  /** All outputs as one struct column. */
  public Field structField(String name) {
    return new Field(
        name,
        FieldType.nullable(ArrowType.Struct.INSTANCE),
        fields.stream().map(OutputField::toArrowField).toList());
  }
}
