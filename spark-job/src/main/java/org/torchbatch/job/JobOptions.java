package org.torchbatch.job;

import static org.torchbatch.spark.Setting.Kind.BATCH_SIZE;
import static org.torchbatch.spark.Setting.Kind.BOOLEAN;
import static org.torchbatch.spark.Setting.Kind.INTEGER;
import static org.torchbatch.spark.Setting.Kind.LIST;
import static org.torchbatch.spark.Setting.Kind.PATH;
import static org.torchbatch.spark.Setting.Kind.PER_ARGUMENT;
import static org.torchbatch.spark.Setting.Kind.TEXT;

import java.util.List;
import org.torchbatch.spark.Setting;

/**
 * Every option of {@code torchbatch predict} that the command line, a {@code --config} file and
 * {@code spark.torchbatch.job.<option>} may set: the command's options, their validation and the
 * reference in docs/configuration.md come from these.
 */
final class JobOptions {
  static final List<Setting> ALL =
      List.of(
          Setting.of(
              "model",
              PATH,
              null,
              "the TorchScript archive, any Hadoop path (hdfs://, s3a://, local)"),
          Setting.of("method", TEXT, "forward", "the method to call"),
          Setting.of(
              "arg",
              PER_ARGUMENT,
              null,
              "one per positional argument: a column or Spark SQL expression, e.g. features or"
                  + " array(a, b, c)"),
          Setting.of(
              "shape", PER_ARGUMENT, null, "per argument, in order: one row's shape, e.g. 3,32,32"),
          Setting.of(
              "dtype",
              PER_ARGUMENT,
              null,
              "per argument, in order: the tensor dtype, e.g. float32"),
          Setting.of(
              "outputs",
              LIST,
              null,
              "names for the model's outputs (default: prediction, or the model's own names)"),
          Setting.of("keep", LIST, null, "input columns to pass through (ids, partition keys)"),
          Setting.of("input", TEXT, null, "a path, glob or table name"),
          Setting.of(
              "where",
              TEXT,
              null,
              "the input rows to score, a SQL condition (e.g. dt = '2026-12-05'), pushed down"),
          Setting.of("input-format", TEXT, "parquet", "parquet, orc, json, csv, ..."),
          Setting.choice(
              "parquet-reader",
              "torchbatch",
              List.of("torchbatch", "spark"),
              "torchbatch: numbers and lists of them decoded straight into Spark's vectors, other"
                  + " files by Spark's reader; spark: Spark's reader for every file"),
          Setting.choice(
              "parquet-writer",
              "torchbatch",
              List.of("torchbatch", "spark"),
              "torchbatch: rows of numbers, strings and lists of numbers go straight to"
                  + " parquet-mr's column writers (the same files); spark: Spark's writer"),
          Setting.of("output", PATH, null, "the output path"),
          Setting.of(
              "output-table",
              TEXT,
              null,
              "instead of --output, a table of Spark's catalog (db.table, catalog.db.table),"
                  + " created when missing (docs/tables.md)"),
          Setting.of("output-format", TEXT, "parquet", "parquet, orc, json, csv, ..."),
          Setting.choice(
              "mode",
              "error-if-exists",
              List.of("error-if-exists", "overwrite", "append", "overwrite-partitions"),
              "what an existing output becomes: error-if-exists (exit 4), overwrite (replaced"
                  + " whole), append, overwrite-partitions (tables: only the partitions the run"
                  + " writes are replaced)"),
          Setting.of("partition-by", LIST, null, "output partition columns"),
          Setting.of(
              "batch-size",
              BATCH_SIZE,
              "auto",
              "rows per model call, or auto: learned per model and executor"),
          Setting.choice(
              "runners",
              "auto",
              List.of("auto", "task", "shared"),
              "on the CPU, task: each task's model calls at once, each on its task's cores;"
                  + " shared: one call at a time on the cores of all the executor's tasks; auto:"
                  + " both measured once the batch size settled, shared only where 5% faster"),
          Setting.of(
              "device",
              TEXT,
              "auto",
              "auto (the task's GPU if any, else the CPU), cpu, cuda, cuda:N"),
          Setting.choice(
              "null-policy",
              "fail",
              List.of("fail", "null"),
              "fail: a null model input fails the job; null: that row's prediction is null"),
          Setting.of(
              "onednn-lstm",
              BOOLEAN,
              "false",
              "let oneDNN run LSTM layers on the CPU: faster on AVX-512, not PyTorch's numbers on"
                  + " every CPU (docs/numerics.md)"),
          Setting.of(
              "check-examples",
              BOOLEAN,
              "true",
              "run the examples the archive carries where the model loads; fail before writing"
                  + " when they differ from PyTorch's outputs"),
          Setting.of(
              "sha256",
              TEXT,
              null,
              "the archive's sha256: the run fails before any work on other bytes"),
          Setting.choice(
              "on-error",
              "fail",
              List.of("fail", "quarantine"),
              "fail: a row the model cannot predict fails the job; quarantine: such rows go to"
                  + " --errors and the others are predicted"),
          Setting.of(
              "errors",
              PATH,
              null,
              "with --on-error quarantine: where the rows the model could not predict go"),
          Setting.of(
              "max-errors",
              TEXT,
              null,
              "with --on-error quarantine: fail past this many bad rows (100) or this fraction of"
                  + " the input's (0.01); no limit by default"),
          Setting.of(
              "repartition",
              INTEGER,
              null,
              "repartition the result into N partitions before writing"));

  private JobOptions() {}

  static List<String> names() {
    return ALL.stream().map(Setting::name).toList();
  }

  static java.util.Optional<Setting> find(String name) {
    return ALL.stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
