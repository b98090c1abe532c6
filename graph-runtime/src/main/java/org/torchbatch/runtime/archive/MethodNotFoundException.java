package org.torchbatch.runtime.archive;

import org.torchbatch.runtime.TorchbatchException;

/** A method name the archive does not define; the message lists those it does. */
public final class MethodNotFoundException extends TorchbatchException {
  private static final long serialVersionUID = 1L;

  public MethodNotFoundException(String message) {
    super(message);
  }
}
