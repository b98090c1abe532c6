package org.torchbatch.runtime.cli;

/** Process exit codes every torchbatch command uses; schedulers such as Airflow rely on them. */
public final class ExitCodes {
  /** The command did what it was asked. */
  public static final int OK = 0;

  /** The work started and failed while running (a model error, a lost executor beyond retries). */
  public static final int FAILED = 1;

  /** Bad flags or a validation error found before any work: unusable archive, wrong method. */
  public static final int USAGE = 2;

  /** The input (or the archive) does not exist. */
  public static final int INPUT_NOT_FOUND = 3;

  /** The output exists and the mode forbids replacing it. */
  public static final int OUTPUT_EXISTS = 4;

  private ExitCodes() {}
}
