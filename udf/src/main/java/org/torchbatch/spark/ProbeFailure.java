package org.torchbatch.spark;

import java.util.List;
import java.util.regex.Pattern;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.archive.MethodSignature;

/**
 * Why the driver's one call on an example input of zeros (which tells predict's output type)
 * failed, its cause first: shapes and dtypes are advised only when the error is about them.
 */
final class ProbeFailure {
  private static final Pattern ABOUT_SHAPES =
      Pattern.compile(
          "(?i)shape|size|dimension|\\bdims?\\b|scalar type|dtype|mat1|out of range|out of bounds");

  private ProbeFailure() {}

  static String explain(
      ModelConfig config, MethodSignature method, List<HostTensor> example, Exception cause) {
    String input =
        " on an example input of zeros "
            + example.stream().map(HostTensor::describe).toList()
            + " (run once on the driver to learn its output types)";
    String message = String.valueOf(cause.getMessage());
    if (message.contains(MethodSignature.IGNORED_FUNCTION)) {
      return "Model '"
          + config.name()
          + "': "
          + method.name()
          + " reached a function marked @torch.jit.unused or @torch.jit.ignore"
          + input
          + ". Such functions are not compiled into the archive and raise when called: export the"
          + " model so that "
          + method.name()
          + " does not call one on this path (torchbatch inspect marks the methods that can)."
          + " Cause: "
          + message;
    }
    if (ABOUT_SHAPES.matcher(message).find()) {
      return "Model '"
          + config.name()
          + "' failed"
          + input
          + "; set "
          + ModelConfig.PREFIX
          + config.name()
          + ".shapes and "
          + ModelConfig.PREFIX
          + config.name()
          + ".dtypes to the input it expects. Cause: "
          + message;
    }
    return "Model '" + config.name() + "' raised" + input + ": " + message;
  }
}
