package org.torchbatch.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.spark.ModelConfig;
import org.torchbatch.spark.ModelInspector;
import org.torchbatch.spark.OnError;
import org.torchbatch.spark.TorchbatchFunctions;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reads a table, adds the model's predictions through {@link TorchbatchFunctions#predict} (the same
 * batched operator as every other front door) and writes the result. Everything that can be checked
 * on the driver is checked before any task runs, each failure with its own exit code.
 */
final class PredictJob {
  static final String MODEL = "job";
  private static final String RESULT = "__torchbatch_prediction";

  private final SparkSession spark;
  private final JobSettings settings;
  private final RunSummary summary;
  private QuarantinedRows quarantine;

  /** A job that records what it did in {@code summary}, also when it fails. */
  PredictJob(SparkSession spark, JobSettings settings, RunSummary summary) {
    this.spark = spark;
    this.settings = settings;
    this.summary = summary;
  }

  void run(boolean dryRun) {
    long begin = System.nanoTime();
    Map<String, String> modelSettings =
        ModelOption.settings(settings, CollectionConverters.asJava(spark.conf().getAll()), MODEL);
    // the archive first: an unusable model must fail before reading the input starts any task
    ModelConfig model = JobErrors.analyse(() -> ModelConfig.of(MODEL, modelSettings));
    ArchiveInfo archive =
        JobErrors.analyse(
            () -> ModelInspector.checkArchive(model, spark.sparkContext().hadoopConfiguration()));
    String sha256 = ModelInspector.sha256(model, spark.sparkContext().hadoopConfiguration());
    summary.model(model.path(), sha256);
    JobInput input = JobInput.of(spark, settings);
    Dataset<Row> inputRows = input.read(modelSettings.get(ModelOption.BATCH_SIZE.setting));
    List<org.apache.hadoop.fs.Path> inputs =
        InputPaths.of(spark, input.name(), input.isTable(), inputRows);
    org.apache.hadoop.fs.Path warehouse =
        new org.apache.hadoop.fs.Path(spark.conf().get("spark.sql.warehouse.dir"));
    JobOutput output = output();
    output.prepare(inputs, input.isTable() ? input.name() : null, warehouse, !dryRun);
    OutputTarget errorsTarget = null;
    if (model.onError() == OnError.QUARANTINE) {
      quarantine = new QuarantinedRows(spark, settings.get("max-errors"));
      errorsTarget = target(settings.require("errors"));
      List<org.apache.hadoop.fs.Path> readOrWritten = new ArrayList<>(inputs);
      if (settings.get("output") != null) {
        readOrWritten.add(new org.apache.hadoop.fs.Path(settings.get("output")));
      }
      errorsTarget.prepare(readOrWritten, warehouse, !dryRun);
    }
    List<String> shapes =
        JobErrors.analyse(
            () ->
                RowShapes.resolve(
                    inputRows,
                    settings.list("arg"),
                    settings.list("shape"),
                    archive,
                    settings.require("method")));
    modelSettings.put(ModelOption.SHAPES.setting, String.join(";", shapes));
    ModelConfig shaped = JobErrors.analyse(() -> ModelConfig.of(MODEL, modelSettings));
    Dataset<Row> result = predictions(inputRows, shaped, sha256);
    summary.phase("validate", begin);
    if (dryRun) {
      long sample = System.nanoTime();
      List<Row> rows = JobErrors.runOrFail(() -> result.limit(2).collectAsList());
      summary.phase("sample", sample);
      summary.dryRun(rows.size());
      return;
    }
    long write = System.nanoTime();
    try (RunMetrics metrics = RunMetrics.listen(spark)) {
      output.write(result);
      summary.phase("predict-and-write", write);
      long errors = quarantine == null ? 0 : quarantine.count();
      summary.rows(
          metrics.rowsIn(), metrics.rows() - errors, metrics.nullRows(), metrics.modelLoads());
      if (quarantine != null) {
        writeErrors(errorsTarget, metrics.rowsIn());
      }
    } catch (RuntimeException e) {
      output.abort();
      if (errorsTarget != null) {
        errorsTarget.abort();
      }
      throw e;
    }
    long commit = System.nanoTime();
    output.commit();
    if (errorsTarget != null) {
      errorsTarget.commit();
    }
    summary.phase("commit", commit);
    output.describe(summary);
    summary.finish(begin);
  }

  /** {@code --output} or {@code --output-table}: exactly one. */
  private JobOutput output() {
    boolean path = settings.get("output") != null;
    boolean table = settings.get("output-table") != null;
    if (path == table) {
      throw new JobException(
          ExitCodes.USAGE,
          "Give one of --output (a path) and --output-table (a table of Spark's catalog)");
    }
    return table ? new TableOutput(spark, settings) : new PathOutput(spark, settings);
  }

  private OutputTarget target(String path) {
    return new OutputTarget(path, settings.mode(), spark.sparkContext().hadoopConfiguration());
  }

  /** The rows set aside, checked against --max-errors, written to --errors like the output. */
  private void writeErrors(OutputTarget errors, long rowsIn) {
    summary.errorRows(quarantine.count());
    quarantine.checkLimit(rowsIn);
    String format = settings.require("output-format");
    JobErrors.runOrFail(
        () ->
            quarantine
                .rows()
                .write()
                .format(format)
                .mode(settings.mode() == JobSettings.WriteMode.APPEND ? "append" : "errorifexists")
                .save(errors.writePath()));
  }

  private Dataset<Row> predictions(Dataset<Row> input, ModelConfig model, String sha256) {
    List<String> arguments = settings.list("arg");
    if (arguments.isEmpty()) {
      throw new JobException(
          ExitCodes.USAGE, "--arg is required: one per positional argument of the model's method");
    }
    List<String> keep = settings.list("keep");
    List<String> missing =
        keep.stream().filter(c -> !Arrays.asList(input.columns()).contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new JobException(
          ExitCodes.USAGE,
          "--keep names columns the input lacks: "
              + missing
              + "; input columns: "
              + Arrays.toString(input.columns()));
    }
    List<Column> select = new ArrayList<>();
    keep.forEach(c -> select.add(TorchbatchFunctions.columnNamed(c)));
    Column[] args = arguments.stream().map(functions::expr).toArray(Column[]::new);
    select.add(TorchbatchFunctions.predict(model, args).as(RESULT));
    Dataset<Row> selected = JobErrors.analyse(() -> input.select(select.toArray(new Column[0])));
    Dataset<Row> predicted =
        quarantine == null
            ? selected
            : quarantine.goodRows(selected, RESULT, keep, settings.require("method"), sha256);
    Dataset<Row> result = JobErrors.analyse(() -> expandOutputs(predicted, keep));
    String repartition = settings.get("repartition");
    if (repartition != null && !repartition.isBlank()) {
      result = result.repartition(settings.integer("repartition"));
    }
    List<String> partitionBy = settings.list("partition-by");
    for (String column : partitionBy) {
      if (!Arrays.asList(result.columns()).contains(column)) {
        throw new JobException(
            ExitCodes.USAGE,
            "--partition-by column '"
                + column
                + "' is not in the output "
                + Arrays.toString(result.columns()));
      }
    }
    return result;
  }

  /** A single output becomes one column; several (a struct) become one column each. */
  private Dataset<Row> expandOutputs(Dataset<Row> predicted, List<String> keep) {
    List<String> names = settings.list("outputs");
    List<Column> columns = new ArrayList<>();
    keep.forEach(c -> columns.add(TorchbatchFunctions.columnNamed(c)));
    Column result = TorchbatchFunctions.columnNamed(RESULT);
    if (predicted.schema().apply(RESULT).dataType() instanceof StructType struct) {
      List<String> fields =
          Arrays.stream(struct.fieldNames()).filter(f -> !f.equals(OnError.ERROR_FIELD)).toList();
      for (String field : fields) {
        String column =
            fields.size() == 1 ? (names.isEmpty() ? "prediction" : names.get(0)) : field;
        columns.add(result.getField(field).as(column));
      }
    } else {
      columns.add(result.as(names.isEmpty() ? "prediction" : names.get(0)));
    }
    return predicted.select(columns.toArray(new Column[0]));
  }
}
