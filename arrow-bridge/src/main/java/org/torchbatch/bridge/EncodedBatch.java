package org.torchbatch.bridge;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.torchbatch.runtime.HostTensor;

/**
 * A batch's model arguments. Tensors that view the batch's own Arrow buffers (zero-copy) stay valid
 * while the batch's vectors do; copies live in buffers this object owns and frees on close.
 */
public final class EncodedBatch implements AutoCloseable {
  private final RowMask mask;
  private final List<HostTensor> tensors;
  private final List<Boolean> zeroCopy;
  private final List<ArrowBuf> owned;
  private boolean closed;

  EncodedBatch(
      RowMask mask, List<HostTensor> tensors, List<Boolean> zeroCopy, List<ArrowBuf> owned) {
    this.mask = mask;
    this.tensors = List.copyOf(tensors);
    this.zeroCopy = List.copyOf(zeroCopy);
    this.owned = List.copyOf(owned);
  }

  public RowMask mask() {
    return mask;
  }

  /** One tensor per model argument, each with {@code mask().modelRows()} rows. */
  public List<HostTensor> tensors() {
    return tensors;
  }

  /** Whether argument {@code index} views Arrow memory in place rather than a copy. */
  public boolean isZeroCopy(int index) {
    return zeroCopy.get(index);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      owned.forEach(ArrowBuf::close);
    }
  }
}
