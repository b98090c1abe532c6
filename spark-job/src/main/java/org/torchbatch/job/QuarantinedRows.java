package org.torchbatch.job;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.spark_partition_id;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.spark.BadRecords;
import org.torchbatch.spark.OnError;
import org.torchbatch.spark.Quarantine;
import org.torchbatch.spark.TorchbatchFunctions;

/**
 * {@code --on-error quarantine}: the rows the model cannot predict (it raises on them alone, or
 * their shape or nulls are wrong) leave the output for {@code --errors}, with the kept columns, the
 * model's message, the method and the archive's sha256, and the job goes on. One pass writes the
 * output and keeps up to {@value #KEEP_PER_PARTITION} bad rows a partition for the driver to write;
 * only when a partition had more does a second pass compute the bad rows again.
 */
final class QuarantinedRows {
  static final int KEEP_PER_PARTITION = 1000;
  private static final String BARRIER = "__torchbatch_barrier";

  private final SparkSession spark;
  private final BadRecords sink = new BadRecords(KEEP_PER_PARTITION);
  private final String limit;
  private Dataset<Row> badRows;
  private int errorField;

  /**
   * @param limit {@code --max-errors}, or null for none
   */
  QuarantinedRows(SparkSession spark, String limit) {
    this.spark = spark;
    this.limit = limit == null || limit.isBlank() ? null : limit.trim();
    if (this.limit != null) {
      limit(0);
    }
    spark.sparkContext().register(sink, "torchbatch quarantined rows");
  }

  /**
   * The rows of {@code predicted} the model predicted; the others are set aside. {@code result} is
   * predict's struct column, which carries each row's error.
   */
  Dataset<Row> goodRows(
      Dataset<Row> predicted, String result, List<String> keep, String method, String sha256) {
    Column error = TorchbatchFunctions.columnNamed(result).getField(OnError.ERROR_FIELD);
    List<Column> record = new ArrayList<>();
    keep.forEach(c -> record.add(TorchbatchFunctions.columnNamed(c)));
    errorField = record.size();
    record.add(error.as("error"));
    record.add(lit(method).as("method"));
    record.add(lit(sha256).as("sha256"));
    Column bad = struct(record.toArray(new Column[0]));
    badRows = predicted.where(error.isNotNull()).select(bad.as("bad")).select("bad.*");
    // a nondeterministic column beside predict keeps the optimizer from pushing the filter below
    // it, which would inline (and run) the model a second time, for the filter
    return predicted
        .withColumn(BARRIER, spark_partition_id())
        .where(Quarantine.rows(error, bad, sink))
        .drop(BARRIER);
  }

  /** How many rows the last pass set aside. */
  long count() {
    return sink.value().count();
  }

  /** Fails the run when more rows were set aside than {@code --max-errors} allows. */
  void checkLimit(long rowsIn) {
    long count = count();
    if (limit != null && count > limit(rowsIn)) {
      throw new JobException(
          ExitCodes.FAILED,
          count
              + " of "
              + rowsIn
              + " rows could not be predicted, over --max-errors "
              + limit
              + "; nothing was written. The first: "
              + (sink.value().rows().isEmpty()
                  ? "?"
                  : sink.value().rows().get(0).getUTF8String(errorField)));
    }
  }

  /** The bad rows, from what the pass kept or, when it kept fewer than there were, again. */
  Dataset<Row> rows() {
    BadRecords.Found found = sink.value();
    if (!found.complete()) {
      return badRows;
    }
    StructType schema = badRows.schema();
    var toRow = CatalystTypeConverters.createToScalaConverter(schema);
    List<Row> rows = new ArrayList<>();
    for (InternalRow row : found.rows()) {
      rows.add((Row) toRow.apply(row));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** {@code 100} rows, or {@code 0.01} of the input's rows. */
  private long limit(long rowsIn) {
    try {
      if (limit.contains(".")) {
        double fraction = Double.parseDouble(limit);
        if (fraction >= 0 && fraction <= 1) {
          return (long) Math.floor(fraction * rowsIn);
        }
      } else {
        long rows = Long.parseLong(limit);
        if (rows >= 0) {
          return rows;
        }
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new JobException(
        ExitCodes.USAGE,
        "--max-errors is a number of rows (100) or a fraction of the input's (0.01), got '"
            + limit
            + "'");
  }

  /** The job's {@code --on-error}: fail or quarantine, as the model's onError setting. */
  static String onError(String value) {
    String policy = value.trim().toLowerCase(Locale.ROOT);
    if (!policy.equals("fail") && !policy.equals("quarantine")) {
      throw new JobException(
          ExitCodes.USAGE, "--on-error is fail or quarantine, not '" + value + "'");
    }
    return policy;
  }
}
