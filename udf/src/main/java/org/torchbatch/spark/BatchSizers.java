package org.torchbatch.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.runtime.engine.DeviceSpec;

/**
 * The JVM's batch sizers, one per model setting and device: tasks keep what earlier ones learned.
 */
final class BatchSizers {
  private static final Map<String, BatchSizer> SIZERS = new ConcurrentHashMap<>();

  static {
    ProcessState.register("learned batch sizes", SIZERS::clear);
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

  /** How many sizers this JVM keeps. */
  static int count() {
    return SIZERS.size();
  }
}
