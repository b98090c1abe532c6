package org.torchbatch.runtime.cli;

import java.nio.file.Path;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelRunner;
import org.torchbatch.runtime.engine.RuntimeSettings;
import org.torchbatch.runtime.engine.TorchEngine;
import picocli.CommandLine.Option;

/** How the commands that call a model run it: device, intra-op threads, oneDNN for LSTMs. */
final class RunnerOptions {
  @Option(
      names = "--device",
      defaultValue = "cpu",
      description = "cpu or cuda:N (default ${DEFAULT-VALUE})")
  String device;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description = "libtorch intra-op threads (default ${DEFAULT-VALUE})")
  int threads;

  @Option(
      names = "--onednn-lstm",
      description =
          "let oneDNN run LSTM layers: faster on AVX-512, not PyTorch's numbers on every CPU")
  boolean oneDnnLstm;

  DeviceSpec deviceSpec() {
    return DeviceSpec.parse(device);
  }

  /** The model on the chosen device, libtorch started with the chosen threads. */
  ModelHandle load(Path archive) {
    TorchEngine.start(RuntimeSettings.EXECUTOR.withIntraOpThreads(threads));
    return ModelCache.shared().acquire(archive, deviceSpec());
  }

  ModelRunner runner(ModelHandle model) {
    return model.newRunner(threads, oneDnnLstm);
  }
}
