package org.torchbatch.runtime.archive;

import org.torchbatch.runtime.TorchbatchException;

/** A file that torchbatch cannot use as a TorchScript archive; the message names the file. */
public final class ArchiveException extends TorchbatchException {
  private static final long serialVersionUID = 1L;

  public ArchiveException(String message) {
    super(message);
  }

  public ArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
