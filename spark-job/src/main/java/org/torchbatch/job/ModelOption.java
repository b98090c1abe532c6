package org.torchbatch.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.spark.ModelConfig;

/** Each model setting the command line sets: its key, its option, and its value from them. */
enum ModelOption {
  PATH("path", "model", s -> s.require("model")),
  METHOD("method", "method", s -> s.require("method")),
  BATCH_SIZE("batchSize", "batch-size", ModelOption::batchSize),
  RUNNERS("runners", "runners", s -> s.require("runners")),
  DEVICE("device", "device", s -> s.require("device")),
  NULL_POLICY("nullPolicy", "null-policy", s -> s.require("null-policy")),
  OUTPUTS("outputs", "outputs", s -> String.join(",", s.list("outputs"))),
  SHAPES("shapes", "shape", s -> String.join(";", s.list("shape"))),
  DTYPES("dtypes", "dtype", s -> String.join(";", s.list("dtype"))),
  ONEDNN_LSTM("oneDnnLstm", "onednn-lstm", s -> s.require("onednn-lstm")),
  CHECK_EXAMPLES("checkExamples", "check-examples", s -> s.require("check-examples")),
  SHA256("sha256", "sha256", s -> s.get("sha256")),
  ON_ERROR("onError", "on-error", s -> QuarantinedRows.onError(s.require("on-error")));

  final String setting;
  final String option;
  final Function<JobSettings, String> value;

  ModelOption(String setting, String option, Function<JobSettings, String> value) {
    this.setting = setting;
    this.option = option;
    this.value = value;
  }

  /**
   * The job's model's settings: what Spark conf gives it ({@code spark.torchbatch.model.<model>.*},
   * e.g. {@code maxBatchBytes}), then the job's options over them. Read only: nothing is written to
   * the session's conf.
   */
  static Map<String, String> settings(
      JobSettings settings, Map<String, String> sparkConf, String model) {
    Map<String, String> values = new LinkedHashMap<>();
    String prefix = ModelConfig.PREFIX + model + ".";
    sparkConf.forEach(
        (key, value) -> {
          if (key.startsWith(prefix)) {
            values.put(key.substring(prefix.length()), value);
          }
        });
    for (ModelOption option : values()) {
      String value = option.value.apply(settings);
      if (value != null) {
        values.put(option.setting, value);
      }
    }
    return values;
  }

  private static String batchSize(JobSettings settings) {
    try {
      return BatchSizer.validate("--batch-size", settings.require("batch-size"));
    } catch (TorchbatchException e) {
      throw new JobException(ExitCodes.USAGE, e.getMessage(), e);
    }
  }
}
