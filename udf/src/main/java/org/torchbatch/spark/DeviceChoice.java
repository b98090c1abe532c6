package org.torchbatch.spark;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.engine.DeviceSpec;

/**
 * Picks the device a task runs its model on, from the configured device, the GPU addresses Spark
 * assigned to the task ({@code TaskContext.resources()}) and the GPUs libtorch can see.
 */
final class DeviceChoice {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceChoice.class);
  private static volatile boolean warnedFallback;

  private DeviceChoice() {}

  /**
   * @param configured {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}
   * @param taskGpus addresses Spark assigned to this task (empty when none)
   * @param visibleGpus how many CUDA devices libtorch sees
   */
  static DeviceSpec choose(String configured, List<String> taskGpus, int visibleGpus) {
    if (configured.equals("cpu")) {
      return DeviceSpec.CPU;
    }
    boolean auto = configured.equals("auto");
    if (!auto && !configured.equals("cuda") && !configured.equals("gpu")) {
      return DeviceSpec.parse(configured);
    }
    if (visibleGpus == 0) {
      if (auto) {
        warnOnce(taskGpus);
        return DeviceSpec.CPU;
      }
      throw new TorchbatchException(
          "device=cuda, but libtorch sees no CUDA device here (CPU natives, or no GPU): use"
              + " device=cpu, or device=auto to fall back to the CPU");
    }
    if (taskGpus.isEmpty()) {
      return auto ? DeviceSpec.CPU : DeviceSpec.cuda(0);
    }
    return DeviceSpec.cuda(Integer.parseInt(taskGpus.get(0).trim()));
  }

  private static void warnOnce(List<String> taskGpus) {
    if (!warnedFallback) {
      warnedFallback = true;
      LOG.warn(
          "device=auto: libtorch sees no CUDA device{}; running on the CPU",
          taskGpus.isEmpty() ? "" : " although Spark assigned GPU " + taskGpus);
    }
  }
}
