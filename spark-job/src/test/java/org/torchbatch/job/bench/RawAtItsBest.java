package org.torchbatch.job.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelRunner;

/**
 * Raw libtorch at its best, the honest denominator of job / raw: the model over ready tensors at
 * every batch size of {@link #SIZES} in both runner shapes this machine's two cores allow (two
 * runners of one thread each, as two tasks run; one runner of two threads), side by side with the
 * job; each round's best of them.
 */
final class RawAtItsBest {
  static final int[] SIZES = {512, 1024, 2048, 4096, 8192};

  private final List<String> names = new ArrayList<>();

  /** Adds every raw variant over {@code handle}'s model to {@code cases}. */
  RawAtItsBest(SideBySide cases, ModelHandle handle, int width, long rows) {
    for (int size : SIZES) {
      List<RawRuns.Feed> taskShaped = taskShapedFeeds(handle, size, width);
      String tasks = "raw, batch " + size + ", 2 runners x 1 thread";
      cases.add(tasks, rows, () -> RawRuns.rowsPerSecond(taskShaped, (int) rows));
      names.add(tasks);
      ModelRunner shared = handle.newRunner(2);
      HostTensor ready = RawRuns.readyTensor(size, width);
      String one = "raw, batch " + size + ", 1 runner x 2 threads";
      cases.add(one, rows, () -> RawRuns.rowsPerSecond(shared, ready, (int) rows));
      names.add(one);
    }
  }

  /** Round by round, the fastest raw variant's rows/s. */
  Measurement best(Map<String, Measurement> rates) {
    return Ratios.fastest(rates, names);
  }

  /** Two runners of one thread each over their own ready tensor: the shape of two tasks. */
  static List<RawRuns.Feed> taskShapedFeeds(ModelHandle handle, int batch, int width) {
    return List.of(
        new RawRuns.Feed(handle.newRunner(1), RawRuns.readyTensor(batch, width)),
        new RawRuns.Feed(handle.newRunner(1), RawRuns.readyTensor(batch, width)));
  }
}
