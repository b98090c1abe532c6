package org.torchbatch.job;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.runtime.cli.ExitCodes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import scala.jdk.javaapi.CollectionConverters;

/** {@code torchbatch predict}: read a table, add a model's predictions, write the result. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Reads a table, adds a TorchScript model's predictions and writes the result.",
      "Options come from the command line, then --config FILE, then spark.torchbatch.job.<option>.",
      "Exit codes: 0 success, 1 failed while running, 2 usage or validation error (nothing ran),",
      "3 input not found, 4 output exists (with --mode error-if-exists)."
    })
public final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--model",
      description = "TorchScript archive, any Hadoop FS path (hdfs://, s3a://, local)")
  String model;

  @Option(names = "--method", description = "method to call (default forward)")
  String method;

  @Option(
      names = "--arg",
      description =
          "one per positional argument: a column or Spark SQL expression, e.g. features or array(a, b, c)")
  List<String> args;

  @Option(
      names = "--shape",
      description = "per argument (repeat in order), one row's shape, e.g. 3,32,32")
  List<String> shapes;

  @Option(
      names = "--dtype",
      description = "per argument (repeat in order), the tensor dtype, e.g. float32")
  List<String> dtypes;

  @Option(
      names = "--outputs",
      description =
          "names for the model's outputs, comma-separated (default prediction, or the model's names)")
  String outputs;

  @Option(
      names = "--keep",
      description = "input columns to pass through, comma-separated (ids, partition keys)")
  String keep;

  @Option(names = "--input", description = "path, glob or table name")
  String input;

  @Option(
      names = "--where",
      description =
          "rows of the input to score, a SQL condition (e.g. dt = '2026-12-05'), pushed down")
  String where;

  @Option(names = "--input-format", description = "parquet (default), orc, json, csv")
  String inputFormat;

  @Option(
      names = "--parquet-reader",
      description =
          "torchbatch (default: numbers and lists of them decoded straight into Spark's vectors,"
              + " other files by Spark's reader) or spark")
  String parquetReader;

  @Option(
      names = "--parquet-writer",
      description =
          "torchbatch (default: rows of numbers, strings and lists of numbers go straight to"
              + " parquet-mr's column writers; the same files) or spark")
  String parquetWriter;

  @Option(names = "--output", description = "output path")
  String output;

  @Option(
      names = "--output-table",
      description =
          "output table of Spark's catalog (db.table, catalog.db.table), instead of --output:"
              + " created when missing, committed atomically by its format")
  String outputTable;

  @Option(names = "--output-format", description = "parquet (default), orc, json, csv")
  String outputFormat;

  @Option(
      names = "--mode",
      description =
          "error-if-exists (default), overwrite (atomic replace), append, overwrite-partitions"
              + " (tables: replaces only the partitions the run writes)")
  String mode;

  @Option(names = "--partition-by", description = "output partition columns, comma-separated")
  String partitionBy;

  @Option(
      names = "--batch-size",
      description = "rows per model call, or auto to grow it while throughput rises (default auto)")
  String batchSize;

  @Option(names = "--device", description = "auto (default), cpu, cuda, cuda:N")
  String device;

  @Option(names = "--null-policy", description = "fail (default) or null")
  String nullPolicy;

  @Option(
      names = "--onednn-lstm",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "let oneDNN run the model's LSTM layers on the CPU: faster on AVX-512, but not"
              + " PyTorch's numbers on every CPU (default false)")
  String oneDnnLstm;

  @Option(
      names = "--on-error",
      description =
          "fail (default): a row the model cannot predict fails the job; quarantine: such rows go"
              + " to --errors and the rest are predicted")
  String onError;

  @Option(
      names = "--errors",
      description = "with --on-error quarantine: where the rows the model could not predict go")
  String errors;

  @Option(
      names = "--max-errors",
      description =
          "with --on-error quarantine: fail the job past this many bad rows (100) or this"
              + " fraction of the input's (0.01); no limit by default")
  String maxErrors;

  @Option(
      names = "--sha256",
      description = "the archive's sha256: the run fails before any work if --model holds another")
  String sha256;

  @Option(
      names = "--check-examples",
      arity = "0..1",
      fallbackValue = "true",
      description =
          "run the examples the archive carries where the model loads and fail before writing"
              + " when they differ from PyTorch's outputs (default true)")
  String checkExamples;

  @Option(
      names = "--repartition",
      description = "repartition the result into N partitions before writing")
  String repartition;

  @Option(
      names = "--config",
      description = "properties file of options (keys: the long option names)")
  Path config;

  @Option(
      names = "--master",
      description = "Spark master when not run by spark-submit (default local[*])")
  String master;

  @Option(
      names = "--dry-run",
      description = "check archive, columns, types and one tiny sample batch; write nothing")
  boolean dryRun;

  @Option(
      names = "--summary",
      description =
          "write a JSON summary of the run to FILE, any Hadoop path; also when the run fails, with"
              + " its exit code and message")
  String summaryFile;

  @Override
  public Integer call() {
    SparkSession spark = Sessions.get(master);
    Map<String, String> conf = CollectionConverters.asJava(spark.conf().getAll());
    RunSummary summary = new RunSummary();
    try (ProgressReporter progress = ProgressReporter.start(spark)) {
      JobSettings settings = JobSettings.resolve(commandLine(), config, conf);
      new PredictJob(spark, settings, summary).run(dryRun);
    } catch (RuntimeException e) {
      if (summaryFile != null) {
        summary.ended(JobErrors.exitCode(e), JobErrors.rootMessage(e));
        summary.write(summaryFile, spark.sparkContext().hadoopConfiguration());
      }
      throw e;
    }
    summary.ended(ExitCodes.OK, null);
    if (summaryFile != null) {
      summary.write(summaryFile, spark.sparkContext().hadoopConfiguration());
    }
    spec.commandLine().getOut().println(summary.json().toPrettyString());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  private Map<String, String> commandLine() {
    Map<String, String> values = new LinkedHashMap<>();
    put(values, "model", model);
    put(values, "method", method);
    put(values, "arg", args == null ? null : String.join(";", args));
    put(values, "shape", shapes == null ? null : String.join(";", shapes));
    put(values, "dtype", dtypes == null ? null : String.join(";", dtypes));
    put(values, "outputs", outputs);
    put(values, "keep", keep);
    put(values, "input", input);
    put(values, "where", where);
    put(values, "input-format", inputFormat);
    put(values, "parquet-reader", parquetReader);
    put(values, "parquet-writer", parquetWriter);
    put(values, "output", output);
    put(values, "output-table", outputTable);
    put(values, "output-format", outputFormat);
    put(values, "mode", mode);
    put(values, "partition-by", partitionBy);
    put(values, "batch-size", batchSize);
    put(values, "device", device);
    put(values, "null-policy", nullPolicy);
    put(values, "onednn-lstm", oneDnnLstm);
    put(values, "check-examples", checkExamples);
    put(values, "sha256", sha256);
    put(values, "on-error", onError);
    put(values, "errors", errors);
    put(values, "max-errors", maxErrors);
    put(values, "repartition", repartition);
    return values;
  }

  private static void put(Map<String, String> values, String name, String value) {
    if (value != null) {
      values.put(name, value);
    }
  }
}
