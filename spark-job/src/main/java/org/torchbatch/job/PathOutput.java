package org.torchbatch.job;

import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** {@code --output}: files written by a Spark source into an {@link OutputTarget}. */
final class PathOutput implements JobOutput {
  private final SparkSession spark;
  private final JobSettings settings;
  private final OutputTarget target;

  PathOutput(SparkSession spark, JobSettings settings) {
    this.spark = spark;
    this.settings = settings;
    this.target =
        new OutputTarget(
            settings.require("output"),
            settings.mode(),
            spark.sparkContext().hadoopConfiguration());
  }

  @Override
  public void prepare(List<Path> inputs, String inputTable, Path warehouse, boolean recover) {
    if (settings.mode() == JobSettings.WriteMode.OVERWRITE_PARTITIONS) {
      throw new JobException(
          org.torchbatch.runtime.cli.ExitCodes.USAGE,
          "--mode overwrite-partitions replaces the partitions a run writes in a table: use"
              + " --output-table, or --mode overwrite for a path");
    }
    target.prepare(inputs, warehouse, recover);
  }

  @Override
  public void write(Dataset<Row> result) {
    DataFrameWriter<Row> writer = writer(result);
    JobErrors.runOrFail(() -> writer.save(target.writePath()));
  }

  @Override
  public void commit() {
    target.commit();
  }

  @Override
  public void abort() {
    target.abort();
  }

  @Override
  public void describe(RunSummary summary) {
    summary.output(settings.require("output"), target.filesAndBytes());
  }

  private DataFrameWriter<Row> writer(Dataset<Row> result) {
    String format = settings.require("output-format");
    DataFrameWriter<Row> writer = result.write().format(settings.source(format, "parquet-writer"));
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
