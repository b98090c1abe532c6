package org.torchbatch.runtime.archive;

import java.util.List;
import org.torchbatch.runtime.DType;

/** A tensor as a pickle describes it: where its bytes live and how they are viewed. */
record TensorRef(DType dtype, String storageKey, long storageOffset, List<Long> shape) {

  long numel() {
    long count = 1;
    for (long dim : shape) {
      count *= dim;
    }
    return count;
  }
}
