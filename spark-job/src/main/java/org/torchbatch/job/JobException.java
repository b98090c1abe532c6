package org.torchbatch.job;

import org.torchbatch.runtime.TorchbatchException;

/** A job failure with the exit code schedulers see (see {@code ExitCodes}). */
public final class JobException extends TorchbatchException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  public JobException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public JobException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
