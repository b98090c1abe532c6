package org.torchbatch.runtime.archive;

import java.util.List;
import org.torchbatch.runtime.DType;

/**
 * An example input that {@code torch.jit.trace} recorded (PyTorch 2.x writes them to {@code
 * traced_inputs.pkl}): the dtype and shape the traced graph was built for.
 */
public record TracedInput(String method, int position, DType dtype, List<Long> shape) {}
