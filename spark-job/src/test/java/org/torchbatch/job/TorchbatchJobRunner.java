package org.torchbatch.job;

import picocli.CommandLine;

/** Runs the command line in this JVM and returns its exit code, for benchmarks. */
public final class TorchbatchJobRunner {
  private TorchbatchJobRunner() {}

  public static int run(String... args) {
    return TorchbatchJob.execute(
        new CommandLine(new TorchbatchJob()).setOverwrittenOptionsAllowed(true), args);
  }
}
