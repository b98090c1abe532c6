package org.torchbatch.job;

import java.io.IOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.spark.parquet.TensorParquetFormat;

/**
 * {@code --input}: a table of Spark's catalog, else a path (file, folder or glob) read in {@code
 * --input-format}. One catalog lookup decides which, for reading and for the output's checks.
 */
final class JobInput {
  private final SparkSession spark;
  private final JobSettings settings;
  private final String input;
  private final boolean table;

  private JobInput(SparkSession spark, JobSettings settings, String input, boolean table) {
    this.spark = spark;
    this.settings = settings;
    this.input = input;
    this.table = table;
  }

  static JobInput of(SparkSession spark, JobSettings settings) {
    String input = settings.require("input");
    return new JobInput(
        spark, settings, input, isTableName(input) && spark.catalog().tableExists(input));
  }

  String name() {
    return input;
  }

  boolean isTable() {
    return table;
  }

  /**
   * The input, filtered by {@code --where} (which Spark pushes down to the source); a fixed batch
   * size reads batches as long as a model call.
   */
  Dataset<Row> read(String batchSize) {
    Dataset<Row> rows = readAll(batchSize);
    String where = settings.get("where");
    return where == null || where.isBlank() ? rows : JobErrors.analyse(() -> rows.where(where));
  }

  private Dataset<Row> readAll(String batchSize) {
    String format = settings.require("input-format");
    String source = settings.source(format, "parquet-reader");
    if (table) {
      return spark.table(input);
    }
    if (!pathExists()) {
      throw new JobException(
          ExitCodes.INPUT_NOT_FOUND,
          "Input " + input + " does not exist (no file, folder, glob match or table)");
    }
    try {
      var reader = spark.read().format(source);
      if (format.equals("csv")) {
        reader = reader.option("header", "true").option("inferSchema", "true");
      }
      // one batch then feeds whole calls; auto keeps the reader's (4096 rows), which caps its
      // calls and keeps wide rows' batches small
      if (source.equals(TensorParquetFormat.class.getName()) && !BatchSizer.isAuto(batchSize)) {
        reader = reader.option(TensorParquetFormat.BatchRows(), batchSize);
      }
      return reader.load(input);
    } catch (RuntimeException e) {
      throw new JobException(
          ExitCodes.USAGE, "Cannot read " + input + " as " + format + ": " + e.getMessage(), e);
    }
  }

  private static boolean isTableName(String input) {
    return input.matches("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*){0,2}");
  }

  private boolean pathExists() {
    try {
      Path path = new Path(input);
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      var matches = fs.globStatus(path);
      return matches != null && matches.length > 0;
    } catch (IOException | IllegalArgumentException e) {
      return false;
    }
  }
}
