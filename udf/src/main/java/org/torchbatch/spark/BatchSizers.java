package org.torchbatch.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.runtime.engine.DeviceSpec;

/**
 * The JVM's batch sizers, one per model setting and device: tasks keep what earlier ones learned.
 */
public final class BatchSizers {
  private static final Map<String, BatchSizer> SIZERS = new ConcurrentHashMap<>();

  static {
    ProcessState.register("learned batch sizes", BatchSizers::forget);
  }

  private BatchSizers() {}

  static BatchSizer of(PreparedModel model, DeviceSpec device) {
    return SIZERS.computeIfAbsent(
        model.config().key() + "|" + device,
        key ->
            BatchSizer.of(
                "'" + model.name() + "' on " + device,
                model.config().batchSize(),
                model.config().maxBatchSize()));
  }

  /**
   * Forgets every learned size, so that the next batches learn theirs again: what the benchmarks do
   * before each run of {@code auto}, to count the learning as a new application pays it.
   */
  public static void forget() {
    SIZERS.clear();
  }

  /** How many sizers this JVM keeps. */
  static int count() {
    return SIZERS.size();
  }
}
