package org.torchbatch.job;

/** Runs the command line in this JVM and returns its exit code, for benchmarks. */
public final class TorchbatchJobRunner {
  private TorchbatchJobRunner() {}

  public static int run(String... args) {
    return TorchbatchJob.execute(TorchbatchJob.commandLine(), args);
  }
}
