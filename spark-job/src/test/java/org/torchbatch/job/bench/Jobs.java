package org.torchbatch.job.bench;

import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.job.TorchbatchJobRunner;
import org.torchbatch.spark.parquet.TensorParquetFormat;

/** The work each case times: the predict job, Spark's own read + write, and a query drained. */
final class Jobs {
  private Jobs() {}

  /** {@code torchbatch predict} Parquet -> Parquet, in this JVM's session. */
  static void predict(String model, int width, String input, String output, String... extra) {
    String[] args = {
      "predict",
      "--model",
      model,
      "--shape",
      String.valueOf(width),
      "--arg",
      "features",
      "--keep",
      "id",
      "--input",
      input,
      "--output",
      output,
      "--mode",
      "overwrite"
    };
    String[] all = new String[args.length + extra.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    int code = TorchbatchJobRunner.run(all);
    if (code != 0) {
      throw new IllegalStateException("predict job exited with " + code);
    }
  }

  /**
   * Spark's own read + write of the input with no model: a copy, read and written as the job does.
   */
  static void copy(SparkSession spark, String input, String output) {
    rewrite(spark, TensorParquetFormat.Name(), input, output, Map.of(), "id", "features");
  }

  /**
   * A predict job's read + write with no model: the same input, and an output as wide as the
   * model's ({@code width} floats a row, taken from the input) written as the job writes it. What
   * Spark's own read + write costs the job.
   */
  static void sparkAlone(SparkSession spark, String input, String output, int width) {
    sparkAlone(spark, TensorParquetFormat.Name(), input, output, width);
  }

  /** {@link #sparkAlone} read and written through the Parquet source {@code source}. */
  static void sparkAlone(
      SparkSession spark, String source, String input, String output, int width) {
    rewrite(
        spark,
        source,
        input,
        output,
        // the job writes a model's floats without a dictionary (PlainFloatColumns)
        Map.of("parquet.enable.dictionary#prediction.list.element", "false"),
        "id",
        "slice(features, 1, " + width + ") AS prediction");
  }

  /**
   * Reads {@code input} and writes {@code columns} of it through the Parquet source {@code source}.
   */
  private static void rewrite(
      SparkSession spark,
      String source,
      String input,
      String output,
      Map<String, String> options,
      String... columns) {
    spark
        .read()
        .format(source)
        .load(input)
        .selectExpr(columns)
        .write()
        .format(source)
        .options(options)
        .mode("overwrite")
        .save(output);
  }

  /**
   * The feature column's batches from one Parquet source, counted and dropped: the scan alone, with
   * no row made of them (draining rows would copy every row's array, which the job never does).
   */
  static void scan(SparkSession spark, String source, String input) {
    spark
        .read()
        .format(source)
        .load(input)
        .select("features")
        .queryExecution()
        .executedPlan()
        .collectLeaves()
        .head()
        .executeColumnar()
        .count();
  }

  /** Runs a query to the end and drops its rows (Spark's noop sink). */
  static void drain(Dataset<Row> query) {
    query.write().format("noop").mode("overwrite").save();
  }
}
