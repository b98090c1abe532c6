package org.torchbatch.runtime.engine;

import org.torchbatch.runtime.TorchbatchException;

/** libtorch or DJL's JNI library could not be found or loaded; the message says what to add. */
public final class NativeLibraryException extends TorchbatchException {
  private static final long serialVersionUID = 1L;

  public NativeLibraryException(String message, Throwable cause) {
    super(message, cause);
  }
}
