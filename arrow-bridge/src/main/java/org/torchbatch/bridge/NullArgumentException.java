package org.torchbatch.bridge;

/** A null in a model argument's column under the {@link NullPolicy#FAIL} policy. */
public final class NullArgumentException extends BridgeException {
  private static final long serialVersionUID = 1L;

  public NullArgumentException(String message) {
    super(message);
  }
}
