package org.torchbatch.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.spark.ModelConfig;
import org.torchbatch.spark.ModelInspector;
import org.torchbatch.spark.OnError;
import org.torchbatch.spark.parquet.TensorParquetFormat;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reads a table, adds the model's predictions through SQL {@code predict} (the same batched
 * operator as every other front door) and writes the result. Everything that can be checked on the
 * driver is checked before any task runs, each failure with its own exit code.
 */
final class PredictJob {
  static final String MODEL = "job";
  private static final String RESULT = "__torchbatch_prediction";

  private static final List<String> READER_BATCH_SIZES =
      List.of("spark.sql.parquet.columnarReaderBatchSize", "spark.sql.orc.columnarReaderBatchSize");

  private final SparkSession spark;
  private final JobSettings settings;
  private final RunSummary summary = new RunSummary();
  private QuarantinedRows quarantine;
  // session settings this run made, taken back at its end (the session may outlive the job)
  private final List<String> setForThisRun = new ArrayList<>();

  PredictJob(SparkSession spark, JobSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  RunSummary run(boolean dryRun) {
    try {
      return runOnce(dryRun);
    } finally {
      setForThisRun.forEach(key -> spark.conf().unset(key));
    }
  }

  private RunSummary runOnce(boolean dryRun) {
    long begin = System.nanoTime();
    declareModel();
    // the archive first: an unusable model must fail before reading the input starts any task
    ModelConfig model =
        JobErrors.analyse(
            () -> ModelConfig.parse(MODEL, CollectionConverters.asJava(spark.conf().getAll())));
    ArchiveInfo archive =
        JobErrors.analyse(
            () -> ModelInspector.checkArchive(model, spark.sparkContext().hadoopConfiguration()));
    String sha256 = ModelInspector.sha256(model, spark.sparkContext().hadoopConfiguration());
    summary.model(model.path(), sha256);
    Dataset<Row> input = readInput();
    List<org.apache.hadoop.fs.Path> inputs =
        InputPaths.of(spark, settings.require("input"), isTable(settings.require("input")), input);
    org.apache.hadoop.fs.Path warehouse =
        new org.apache.hadoop.fs.Path(spark.conf().get("spark.sql.warehouse.dir"));
    OutputTarget target = target(settings.require("output"));
    target.prepare(inputs, warehouse, !dryRun);
    OutputTarget errorsTarget = null;
    if (model.onError() == OnError.QUARANTINE) {
      quarantine = new QuarantinedRows(spark, settings.get("max-errors"));
      errorsTarget = target(settings.require("errors"));
      List<org.apache.hadoop.fs.Path> readOrWritten = new ArrayList<>(inputs);
      readOrWritten.add(new org.apache.hadoop.fs.Path(settings.require("output")));
      errorsTarget.prepare(readOrWritten, warehouse, !dryRun);
    }
    List<String> shapes =
        JobErrors.analyse(
            () ->
                RowShapes.resolve(
                    input,
                    settings.list("arg"),
                    settings.list("shape"),
                    archive,
                    settings.require("method")));
    spark.conf().set(ModelConfig.PREFIX + MODEL + ".shapes", String.join(";", shapes));
    Dataset<Row> result = predictions(input, sha256);
    DataFrameWriter<Row> writer = writer(result);
    summary.phase("validate", begin);
    if (dryRun) {
      long sample = System.nanoTime();
      List<Row> rows = JobErrors.runOrFail(() -> result.limit(2).collectAsList());
      summary.phase("sample", sample);
      summary.dryRun(rows.size());
      return summary;
    }
    long write = System.nanoTime();
    try (RunMetrics metrics = RunMetrics.listen(spark)) {
      JobErrors.runOrFail(() -> writer.save(target.writePath()));
      summary.phase("predict-and-write", write);
      long errors = quarantine == null ? 0 : quarantine.count();
      summary.rows(
          metrics.rowsIn(), metrics.rows() - errors, metrics.nullRows(), metrics.modelLoads());
      if (quarantine != null) {
        writeErrors(errorsTarget, metrics.rowsIn());
      }
    } catch (RuntimeException e) {
      target.abort();
      if (errorsTarget != null) {
        errorsTarget.abort();
      }
      throw e;
    }
    long commit = System.nanoTime();
    target.commit();
    if (errorsTarget != null) {
      errorsTarget.commit();
    }
    summary.phase("commit", commit);
    summary.output(settings.require("output"), target.filesAndBytes());
    summary.finish(begin);
    return summary;
  }

  private void declareModel() {
    String key = ModelConfig.PREFIX + MODEL + ".";
    for (ModelOption option : ModelOption.values()) {
      String value = option.value.apply(settings);
      if (value == null) {
        spark.conf().unset(key + option.setting);
      } else {
        spark.conf().set(key + option.setting, value);
      }
    }
    String batchSize = spark.conf().get(key + ModelOption.BATCH_SIZE.setting);
    // a fixed size gets reader batches as long as a model call, so one input batch feeds whole
    // calls; auto keeps Spark's (4096 rows), which cap its calls and keep wide rows' batches small
    if (!BatchSizer.isAuto(batchSize)) {
      for (String reader : READER_BATCH_SIZES) {
        if (!spark.conf().contains(reader)) {
          spark.conf().set(reader, batchSize);
          setForThisRun.add(reader);
        }
      }
    }
  }

  private Dataset<Row> readInput() {
    String input = settings.require("input");
    String format = settings.require("input-format");
    String source = sourceOf(format, "parquet-reader");
    if (isTable(input)) {
      return spark.table(input);
    }
    if (!pathExists(input)) {
      throw new JobException(
          ExitCodes.INPUT_NOT_FOUND,
          "Input " + input + " does not exist (no file, folder, glob match or table)");
    }
    try {
      var reader = spark.read().format(source);
      if (format.equals("csv")) {
        reader = reader.option("header", "true").option("inferSchema", "true");
      }
      return reader.load(input);
    } catch (RuntimeException e) {
      throw new JobException(
          ExitCodes.USAGE, "Cannot read " + input + " as " + format + ": " + e.getMessage(), e);
    }
  }

  /** The source for {@code format}: torchbatch's Parquet source where {@code option} asks. */
  private String sourceOf(String format, String option) {
    String choice = settings.require(option);
    if (!choice.equals("torchbatch") && !choice.equals("spark")) {
      throw new JobException(
          ExitCodes.USAGE, "--" + option + " is torchbatch or spark, not " + choice);
    }
    // by class name: a short name needs the jar's service file, which repackaging may drop
    return format.equals("parquet") && choice.equals("torchbatch")
        ? TensorParquetFormat.class.getName()
        : format;
  }

  private boolean isTable(String input) {
    return isTableName(input) && spark.catalog().tableExists(input);
  }

  private static boolean isTableName(String input) {
    return input.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");
  }

  private boolean pathExists(String input) {
    try {
      Path path = new Path(input);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      var matches = fs.globStatus(path);
      return matches != null && matches.length > 0;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The kept columns and the prediction columns, analysed (so the model is checked) now. */
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

  private Dataset<Row> predictions(Dataset<Row> input, String sha256) {
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
    List<String> select = new ArrayList<>();
    keep.forEach(c -> select.add("`" + c + "`"));
    select.add("predict('" + MODEL + "', " + String.join(", ", arguments) + ") AS " + RESULT);
    Dataset<Row> selected =
        JobErrors.analyse(() -> input.selectExpr(select.toArray(new String[0])));
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
    List<String> columns = new ArrayList<>();
    keep.forEach(c -> columns.add("`" + c + "`"));
    if (predicted.schema().apply(RESULT).dataType() instanceof StructType struct) {
      List<String> fields =
          Arrays.stream(struct.fieldNames()).filter(f -> !f.equals(OnError.ERROR_FIELD)).toList();
      for (String field : fields) {
        String column =
            fields.size() == 1 ? (names.isEmpty() ? "prediction" : names.get(0)) : field;
        columns.add(RESULT + ".`" + field + "` AS `" + column + "`");
      }
    } else {
      columns.add(RESULT + " AS `" + (names.isEmpty() ? "prediction" : names.get(0)) + "`");
    }
    return predicted.selectExpr(columns.toArray(new String[0]));
  }

  private DataFrameWriter<Row> writer(Dataset<Row> result) {
    String format = settings.require("output-format");
    DataFrameWriter<Row> writer = result.write().format(sourceOf(format, "parquet-writer"));
    writer =
        settings.mode() == JobSettings.WriteMode.APPEND
            ? writer.mode("append")
            : writer.mode("errorifexists");
    if (format.equals("csv")) {
      writer = writer.option("header", "true");
    }
    if (format.equals("parquet")) {
      List<String> keep = settings.list("keep");
      List<String> predictions =
          Arrays.stream(result.columns()).filter(c -> !keep.contains(c)).toList();
      writer =
          writer.options(
              PlainFloatColumns.options(
                  result.schema(), predictions, spark.sparkContext().hadoopConfiguration()));
    }
    List<String> partitionBy = settings.list("partition-by");
    return partitionBy.isEmpty() ? writer : writer.partitionBy(partitionBy.toArray(new String[0]));
  }
}
