package org.torchbatch.runtime.engine;

/**
 * Process-wide libtorch settings, applied once when the engine starts.
 *
 * @param intraOpThreads threads one operator may use; Spark runs one task per core, so executors
 *     default to 1 to avoid oversubscribing the slots
 * @param interOpThreads threads for running independent operators in parallel
 * @param graphOptimizer whether TorchScript's profiling executor re-optimizes the graph per input
 *     shape; off by default because batches of varying size would trigger re-profiling
 */
public record RuntimeSettings(int intraOpThreads, int interOpThreads, boolean graphOptimizer) {
  public static final RuntimeSettings EXECUTOR = new RuntimeSettings(1, 1, false);

  public RuntimeSettings {
    if (intraOpThreads < 1 || interOpThreads < 1) {
      throw new IllegalArgumentException(
          "thread counts must be >= 1, got intra-op "
              + intraOpThreads
              + " and inter-op "
              + interOpThreads);
    }
  }

  public RuntimeSettings withIntraOpThreads(int threads) {
    return new RuntimeSettings(threads, interOpThreads, graphOptimizer);
  }
}
