package org.torchbatch.job;

import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Where a run's rows go: a path ({@link PathOutput}: staged, then moved into place) or a catalog
 * table ({@link TableOutput}: the table format's commit makes the run atomic).
 */
interface JobOutput {
  /**
   * Before any work: refuses an output that is the input or lies inside it, and one the mode
   * forbids replacing; a path output also finishes or rolls back what killed runs left, unless
   * {@code recover} is false (a dry run changes nothing).
   */
  void prepare(List<Path> inputs, String inputTable, Path warehouse, boolean recover);

  /** Runs the job: computes {@code result} and writes it. */
  void write(Dataset<Row> result);

  /** Makes the written rows the output. */
  void commit();

  /** Leaves the previous output as it was, after a failed write. */
  void abort();

  /** The output's name, and its size where known, in the run's summary. */
  void describe(RunSummary summary);
}
