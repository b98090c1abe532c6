package org.torchbatch.job.bench;

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

  /** The same read + write as the job (its Parquet reader and writer too) with no model. */
  static void copy(SparkSession spark, String input, String output) {
    rewrite(spark, input, output, "id", "features");
  }

  /**
   * The mlp_small job's read + write with no model: the same input, and an output as wide as the
   * model's (10 floats a row, taken from the input). What Spark alone costs the job.
   */
  static void sparkAlone(SparkSession spark, String input, String output) {
    rewrite(spark, input, output, "id", "slice(features, 1, 10) AS prediction");
  }

  /** Reads {@code input} and writes {@code columns} of it, as the job reads and writes Parquet. */
  private static void rewrite(SparkSession spark, String input, String output, String... columns) {
    spark
        .read()
        .format(TensorParquetFormat.Name())
        .load(input)
        .selectExpr(columns)
        .write()
        .format(TensorParquetFormat.Name())
        .mode("overwrite")
        .save(output);
  }

  /** Reads the input's feature column with one Parquet source and drops it: the read alone. */
  static void read(SparkSession spark, String source, String input) {
    drain(spark.read().format(source).load(input).select("features"));
  }

  /** Runs a query to the end and drops its rows (Spark's noop sink). */
  static void drain(Dataset<Row> query) {
    query.write().format("noop").mode("overwrite").save();
  }
}
