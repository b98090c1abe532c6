package org.torchbatch.runtime.engine;

import ai.djl.Device;
import java.util.Locale;

/** Where a model runs: the CPU or one CUDA device by index. */
public record DeviceSpec(boolean cuda, int index) {
  public static final DeviceSpec CPU = new DeviceSpec(false, -1);

  public DeviceSpec {
    if (cuda && index < 0) {
      throw new IllegalArgumentException("a CUDA device needs an index >= 0, got " + index);
    }
  }

  public static DeviceSpec cuda(int index) {
    return new DeviceSpec(true, index);
  }

  /** Parses {@code cpu}, {@code cuda}, {@code cuda:N} and {@code gpu:N}. */
  public static DeviceSpec parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("cpu")) {
      return CPU;
    }
    if (value.equals("cuda") || value.equals("gpu")) {
      return cuda(0);
    }
    for (String prefix : new String[] {"cuda:", "gpu:"}) {
      if (value.startsWith(prefix)) {
        try {
          return cuda(Integer.parseInt(value.substring(prefix.length())));
        } catch (NumberFormatException e) {
          break;
        }
      }
    }
    throw new IllegalArgumentException(
        "Unknown device '" + text + "': use cpu, cuda or cuda:N (N the GPU index)");
  }

  Device toDjl() {
    return cuda ? Device.gpu(index) : Device.cpu();
  }

  @Override
  public String toString() {
    return cuda ? "cuda:" + index : "cpu";
  }
}
