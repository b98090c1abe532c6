package org.torchbatch.runtime;

/** Base of every error torchbatch raises on purpose; its message says what to do. */
public class TorchbatchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TorchbatchException(String message) {
    super(message);
  }

  public TorchbatchException(String message, Throwable cause) {
    super(message, cause);
  }
}
