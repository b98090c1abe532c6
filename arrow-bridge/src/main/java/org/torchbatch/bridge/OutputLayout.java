package org.torchbatch.bridge;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
   * The layout of a sample call's outputs; {@code columns} renames them in order (empty keeps the
   * model's names).
   */
  public static OutputLayout of(NamedTensors sample, List<String> columns) {
    List<String> names = sample.names();
    if (!columns.isEmpty() && columns.size() != names.size()) {
      throw new BridgeException(
          "The model returns "
              + names.size()
              + " output(s) "
              + names
              + " but "
              + columns.size()
              + " names were given: "
              + columns);
    }
    List<OutputField> fields = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      HostTensor tensor = sample.get(names.get(i));
      if (tensor.shape().length == 0) {
        throw new BridgeException(
            "Output '"
                + names.get(i)
                + "' is a scalar for the whole batch, not one value per row: the model must return a tensor whose first dimension is the batch");
      }
      long[] rowShape = Arrays.copyOfRange(tensor.shape(), 1, tensor.shape().length);
      fields.add(
          new OutputField(
              names.get(i),
              columns.isEmpty() ? names.get(i) : columns.get(i),
              tensor.dtype(),
              rowShape));
    }
    return new OutputLayout(fields);
  }

  /** All outputs as one struct column. */
  public Field structField(String name) {
    return new Field(
        name,
        FieldType.nullable(ArrowType.Struct.INSTANCE),
        fields.stream().map(OutputField::toArrowField).toList());
  }
}
