package org.torchbatch.spark;

import static org.torchbatch.spark.Setting.Kind.BATCH_SIZE;
import static org.torchbatch.spark.Setting.Kind.BOOLEAN;
import static org.torchbatch.spark.Setting.Kind.BYTES;
import static org.torchbatch.spark.Setting.Kind.INTEGER;
import static org.torchbatch.spark.Setting.Kind.LIST;
import static org.torchbatch.spark.Setting.Kind.PATH;
import static org.torchbatch.spark.Setting.Kind.PER_ARGUMENT;
import static org.torchbatch.spark.Setting.Kind.TEXT;

import java.util.Collection;
import java.util.List;
import org.torchbatch.runtime.TorchbatchException;

/**
 * Every {@code spark.torchbatch.*} key Spark conf (or SQL's {@code SET}) may hold, except the job's
 * options ({@code spark.torchbatch.job.<option>}, declared with the job). A key under {@code
 * spark.torchbatch.} that none of these declares is an error naming the closest one.
 */
public final class TorchbatchConf {
  public static final String PREFIX = "spark.torchbatch.";
  public static final String MODEL_PREFIX = PREFIX + "model.";
  public static final String JOB_PREFIX = PREFIX + "job.";

  /** Each model's settings, after {@code spark.torchbatch.model.<name>.}. */
  public static final List<Setting> MODEL =
      List.of(
          Setting.of(
              "path", PATH, null, "the TorchScript archive, any Hadoop FileSystem URI (required)"),
          Setting.of("method", TEXT, "forward", "the method to call"),
          Setting.of(
              "batchSize",
              BATCH_SIZE,
              "auto",
              "rows per model call: auto (learned per model and executor) or a fixed number"),
          Setting.of(
              "maxBatchSize",
              INTEGER,
              "16384",
              "the most rows auto grows to (it also stays within 64 MiB of input a call)"),
          Setting.of(
              "device",
              TEXT,
              "auto",
              "auto (the task's GPU if any, else the CPU), cpu, cuda, cuda:N"),
          Setting.of(
              "outputs",
              LIST,
              null,
              "names for the outputs: a dict's keys, selected by name in this order; a tuple's"
                  + " elements, renamed in order (default: the model's own names, or prediction)"),
          Setting.choice(
              "nullPolicy",
              "fail",
              List.of("fail", "null"),
              "fail, or null: null predictions for rows with a null input"),
          Setting.of(
              "shapes",
              PER_ARGUMENT,
              null,
              "per argument (';'-separated), one row's shape, e.g. 3,32,32: the reshape target and"
                  + " the example input the output types are learned from; needed for array"
                  + " arguments when the archive records no traced input"),
          Setting.of(
              "dtypes",
              PER_ARGUMENT,
              null,
              "per argument (';'-separated), the tensor dtype, e.g. float32;int64 (default: what"
                  + " the archive implies)"),
          Setting.of(
              "sha256", TEXT, null, "the archive's sha256: other bytes at path are an error"),
          Setting.choice(
              "onError",
              "fail",
              List.of("fail", "null", "quarantine"),
              "a row the model cannot predict: fail fails the task; null gives it a null"
                  + " prediction and the other rows theirs (counted in errorRows); quarantine"
                  + " also adds its error as the struct field _torchbatch_error"),
          Setting.of(
              "maxBatchBytes",
              BYTES,
              "1g",
              "the most input bytes one model call takes; a batch over it is split"),
          Setting.of(
              "checkExamples",
              BOOLEAN,
              "true",
              "run the examples the archive carries where the model loads; fail before writing"
                  + " when they differ from PyTorch's outputs"),
          Setting.choice(
              "runners",
              "auto",
              List.of("auto", "task", "shared"),
              "how an executor's tasks share its cores when they call the model on the CPU: task"
                  + " (each task's calls at once, each on its task's cores), shared (one call at a"
                  + " time, on the cores of all the tasks calling it), auto (both measured once the"
                  + " batch size settled; shared only where it runs 5% faster, its calls taking"
                  + " every joined task's rows where batchSize is auto)"),
          Setting.of(
              "oneDnnLstm",
              BOOLEAN,
              "false",
              "let oneDNN run LSTM layers on the CPU: faster on AVX-512, not PyTorch's numbers on"
                  + " every CPU (docs/numerics.md)"));

  public static final Setting DEFAULT_MODEL =
      Setting.of(
          PREFIX + "defaultModel",
          TEXT,
          null,
          "the model predict(x) uses; needed when more than one is declared");
  public static final Setting READ_AHEAD =
      Setting.of(
          PREFIX + "parquet.readAhead",
          BYTES,
          "32m",
          "torchbatch-parquet: how far ahead of the page being decoded a split's column chunks are"
              + " read (native memory, per running task); 0 reads each row group's chunks whole");
  public static final Setting OFF_HEAP_LIMIT =
      Setting.of(
          PREFIX + "parquet.offHeapLimit",
          BYTES,
          "1g",
          "torchbatch-parquet: the most off-heap bytes all of an executor's readers hold at once;"
              + " past it a read fails naming this setting");

  /** The keys that are not a model's. */
  public static final List<Setting> GLOBAL = List.of(DEFAULT_MODEL, READ_AHEAD, OFF_HEAP_LIMIT);

  private TorchbatchConf() {}

  /** The model setting {@code name} (after {@code spark.torchbatch.model.<model>.}). */
  public static Setting model(String name) {
    return MODEL.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }

  /** Fails on a {@code spark.torchbatch.*} key no one reads, naming the closest known key. */
  public static void checkKnown(Collection<String> keys) {
    List<String> modelNames = MODEL.stream().map(Setting::name).toList();
    List<String> global = GLOBAL.stream().map(Setting::name).toList();
    for (String key : keys) {
      if (!key.startsWith(PREFIX) || key.startsWith(JOB_PREFIX)) {
        continue;
      }
      if (key.startsWith(MODEL_PREFIX) && key.lastIndexOf('.') >= MODEL_PREFIX.length()) {
        String suffix = key.substring(key.lastIndexOf('.') + 1);
        if (!modelNames.contains(suffix)) {
          throw unknown(
              key,
              key.substring(0, key.lastIndexOf('.') + 1) + Setting.closest(suffix, modelNames));
        }
      } else if (!global.contains(key)) {
        throw unknown(key, Setting.closest(key, global));
      }
    }
  }

  private static TorchbatchException unknown(String key, String closest) {
    return new TorchbatchException(
        "Unknown setting " + key + ": did you mean " + closest + "? (docs/configuration.md)");
  }
}
