package org.torchbatch.runtime.engine;

import org.torchbatch.runtime.TorchbatchException;

/** A model call that failed; the message carries TorchScript's own message and the inputs. */
public class ModelExecutionException extends TorchbatchException {
  private static final long serialVersionUID = 1L;

  public ModelExecutionException(String message) {
    super(message);
  }

  public ModelExecutionException(String message, Throwable cause) {
    super(message, cause);
  }
}
