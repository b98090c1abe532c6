package org.torchbatch.runtime.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.torchbatch.runtime.archive.ArchiveInfo;

/**
 * Why libtorch could not load an archive, in the user's terms: TorchScript compiles an archive's
 * code when it loads it, so an operator (or an operator signature) of a newer PyTorch, or of a
 * custom library, fails there.
 */
final class LoadFailure {
  private static final Pattern UNKNOWN = Pattern.compile("Unknown builtin op: ([\\w:]+)");
  private static final Pattern VARIANT =
      Pattern.compile("variants are available:\\s+(\\w+::\\w+)[.(]");
  private static final Pattern WHERE = Pattern.compile("(File \"code/[^\\n]+)");

  private LoadFailure() {}

  static String explain(ArchiveInfo info, DeviceSpec device, String libtorch) {
    String versions =
        "libtorch "
            + TorchEngine.LIBTORCH_VERSION
            + " (PyTorch "
            + TorchEngine.LIBTORCH_VERSION
            + ") runs it, and the archive was written by "
            + info.writtenBy();
    Matcher unknown = UNKNOWN.matcher(libtorch);
    if (unknown.find()) {
      return "Model "
          + info.file()
          + " calls the operator "
          + unknown.group(1)
          + ", which libtorch "
          + TorchEngine.LIBTORCH_VERSION
          + " does not have: "
          + versions
          + ". It is an operator of a newer PyTorch (export the model with PyTorch 2.7 or"
          + " rewrite that call) or of a custom library, which torchbatch cannot load"
          + where(libtorch);
    }
    Matcher variant = VARIANT.matcher(libtorch);
    if (libtorch.contains("Arguments for call are not valid") && variant.find()) {
      return "Model "
          + info.file()
          + " calls "
          + variant.group(1)
          + " with arguments that libtorch "
          + TorchEngine.LIBTORCH_VERSION
          + "'s "
          + variant.group(1)
          + " does not take: "
          + versions
          + ". The operator's signature changed in a newer PyTorch (export the model with"
          + " PyTorch 2.7 or rewrite that call)"
          + where(libtorch);
    }
    return "Cannot load model " + info.file() + " on " + device + ": " + libtorch;
  }

  private static String where(String libtorch) {
    Matcher where = WHERE.matcher(libtorch);
    return where.find() ? "; the call: " + where.group(1).strip() : "";
  }
}
