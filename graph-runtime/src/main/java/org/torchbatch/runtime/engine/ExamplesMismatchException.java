package org.torchbatch.runtime.engine;

import java.util.List;
import org.torchbatch.runtime.CpuInfo;

/** A model computes here something other than what PyTorch recorded in its examples. */
public final class ExamplesMismatchException extends ModelExecutionException {
  private static final long serialVersionUID = 1L;

  private ExamplesMismatchException(String message) {
    super(message, null);
  }

  /** The first differing output, how many differ, and where: libtorch, device, CPU. */
  static ExamplesMismatchException of(
      String file, DeviceSpec device, List<ExampleCheck.Comparison> comparisons) {
    List<ExampleCheck.Comparison> differing =
        comparisons.stream().filter(c -> !c.matches()).toList();
    ExampleCheck.Comparison first = differing.get(0);
    return new ExamplesMismatchException(
        "Model "
            + file
            + " does not reproduce the examples it carries: "
            + first.where()
            + " "
            + first.detail()
            + (differing.size() > 1
                ? "; " + differing.size() + " of " + comparisons.size() + " outputs differ"
                : "")
            + " (libtorch "
            + TorchEngine.LIBTORCH_VERSION
            + " on "
            + device
            + ", CPU "
            + CpuInfo.current().describe()
            + ")");
  }
}
