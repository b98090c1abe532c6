package org.torchbatch.bridge;

import org.torchbatch.runtime.TorchbatchException;

/** Data that cannot become a tensor (or a tensor that cannot become a column); names the column. */
public class BridgeException extends TorchbatchException {
  private static final long serialVersionUID = 1L;

  public BridgeException(String message) {
    super(message);
  }
}
