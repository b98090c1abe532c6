package org.torchbatch.runtime.archive;

import java.util.Map;

/** Explains what a {@code torch.save} file holds and how to turn it into TorchScript. */
final class NotTorchScript {
  static final String HOW_TO_SAVE =
      "save the model with torch.jit.save(torch.jit.script(model), path)"
          + " or torch.jit.save(torch.jit.trace(model, example_inputs), path)";

  private NotTorchScript() {}

  static ArchiveException explain(String file, Object pickled) {
    String what;
    if (pickled instanceof Map<?, ?> map
        && map.values().stream().anyMatch(TensorRef.class::isInstance)) {
      what = "a state_dict (a dict of " + map.size() + " entries), which holds weights but no code";
    } else if (pickled instanceof PickledObject object) {
      what =
          "a whole Python module object (" + object.className() + "), which needs its Python class";
    } else {
      what =
          "a Python object ("
              + (pickled == null ? "None" : pickled.getClass().getSimpleName())
              + ")";
    }
    return new ArchiveException(
        file
            + " is a torch.save() file holding "
            + what
            + ", not a TorchScript archive: use torch.jit.save; "
            + HOW_TO_SAVE);
  }
}
