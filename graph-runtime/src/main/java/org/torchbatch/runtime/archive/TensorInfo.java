package org.torchbatch.runtime.archive;

import java.util.List;
import org.torchbatch.runtime.DType;

/**
 * A tensor stored in the archive.
 *
 * @param name dotted path from the root module, e.g. {@code encoder.weight}; constants are named
 *     {@code CONSTANTS.c0} as the code refers to them
 * @param kind parameter, buffer, other tensor attribute, or code constant
 * @param bytes the size of the tensor's elements (not of the storage it may share)
 */
public record TensorInfo(String name, Kind kind, DType dtype, List<Long> shape, long bytes) {

  /** What role a stored tensor plays in its module. */
  public enum Kind {
    PARAMETER,
    BUFFER,
    ATTRIBUTE,
    CONSTANT;

    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
