package org.torchbatch.bridge;

import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.archive.TracedInput;

/**
 * The dtype an argument without an explicit one gets from the archive: the dtype the trace recorded
 * for it; else, for floating columns, the floating type the weights imply (a float64 model gets
 * float64). Integer and boolean columns keep their type, so token ids stay integers.
 */
public record ImpliedTypes(ArchiveInfo archive, String method) {

  public DType resolve(int position, DType columnType) {
    for (TracedInput traced : archive.tracedInputs()) {
      if (traced.method().equals(method) && traced.position() == position) {
        return traced.dtype();
      }
    }
    return columnType.isFloating() ? archive.preferredFloatType() : columnType;
  }
}
