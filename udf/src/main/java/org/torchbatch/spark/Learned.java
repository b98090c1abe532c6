package org.torchbatch.spark;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.RunnerShape;

/**
 * What the JVM learns about calling each model, per model setting and device: its batch size and
 * its runner shape. Tasks keep what earlier ones learned.
 */
public final class Learned {
  private static final Map<String, BatchSizer> SIZERS = new ConcurrentHashMap<>();
  private static final Map<String, RunnerShape> SHAPES = new ConcurrentHashMap<>();

  static {
    ProcessState.register("learned batch sizes and runner shapes", Learned::forget);
  }

  private Learned() {}

  static BatchSizer sizer(PreparedModel model, DeviceSpec device) {
    return SIZERS.computeIfAbsent(
        model.config().key() + "|" + device,
        key ->
            BatchSizer.of(
                "'" + model.name() + "' on " + device,
                model.config().batchSize(),
                model.config().maxBatchSize()));
  }

  /** On a GPU each task runs on its own device, so only the CPU's tasks may share a runner. */
  static RunnerShape shape(PreparedModel model, DeviceSpec device) {
    return SHAPES.computeIfAbsent(
        model.config().key() + "|" + device,
        key ->
            RunnerShape.of(
                "'" + model.name() + "' on " + device,
                device.cuda() ? RunnerShape.Shape.TASK.name() : model.config().runners(),
                BatchSizer.isAuto(model.config().batchSize())));
  }

  /**
   * Forgets every learned size and shape, so that the next batches learn theirs again: what the
   * benchmarks do before each run of {@code auto}, to count the learning as a new application pays
   * it.
   */
  public static void forget() {
    SIZERS.clear();
    SHAPES.clear();
  }

  /**
   * The batch sizes {@code auto} settled on in this JVM, by model setting and device; sizes still
   * searched for are left out.
   */
  public static Map<String, Integer> settledBatchSizes() {
    Map<String, Integer> settled = new TreeMap<>();
    SIZERS.forEach(
        (key, sizer) -> {
          if (sizer.settled()) {
            settled.put(key, sizer.rows());
          }
        });
    return settled;
  }

  /** How many models this JVM keeps learned settings for. */
  static int count() {
    return SIZERS.size();
  }
}
