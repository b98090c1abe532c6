package org.torchbatch.job.bench;

import java.nio.file.Path;
import java.util.Random;
import org.apache.spark.sql.SparkSession;

/**
 * What every section of the suite shares: the session, the fixtures' archives, the options, the
 * report and its folder; and the cases more than one section runs.
 */
final class Bench {
  static final String RAW =
      "graph-runtime raw, mlp_small, batch 4096, 2 runners x 1 thread (the job's shape)";
  static final String SQL = "SQL predict, mlp_small, batch 4096, cached data";
  static final String JOB = "job Parquet -> Parquet, mlp_small, batch 4096";
  static final String SPARK_ALONE = "same read + write as the job, no model";
  static final String READ = "read the features (batches, no rows), torchbatch-parquet";
  static final String TINY_JOB = "job Parquet -> Parquet, tiny_mlp";
  static final String NO_MODEL_SAME_OUTPUT =
      "the tiny job's read + write, no model (3 floats a row out)";
  static final int WIDE = 512;
  static final int NARROW = 16;
  // floats a row each model writes: what the no-model jobs write in its place
  static final int MLP_OUTPUTS = 10;
  static final int TINY_OUTPUTS = 3;

  final SparkSession spark;
  final BenchOptions options;
  final Path mlp;
  final Path tiny;
  final Path folder;
  final Report report;

  Bench(SparkSession spark, BenchOptions options, Path mlp, Path tiny, Path folder, Report report) {
    this.spark = spark;
    this.options = options;
    this.mlp = mlp;
    this.tiny = tiny;
    this.folder = folder;
    this.report = report;
  }

  /** Cases side by side, in an order drawn afresh for every pass from the run's seed. */
  SideBySide sideBySide(double seconds) {
    return new SideBySide(options.warmUp, seconds, new Random(options.seed));
  }

  /** The jobs' output folder, replaced by each run. */
  String output() {
    return folder.resolve("job-output").toString();
  }

  /** The suite's Parquet input of {@code rows} rows of {@code width} floats, written once. */
  String parquet(long rows, int width) {
    return BenchData.parquet(spark, options.data, rows, width);
  }

  static Runnable inCache(String folder) {
    return () -> BenchData.intoPageCache(folder);
  }

  /** The mlp_small job at batch 4096, as the targets compare it. */
  void mlpJob(String input, String output) {
    Jobs.predict(mlp.toString(), WIDE, input, output, "--batch-size", "4096");
  }

  void drainPasses(String sql, long passes) {
    for (long pass = 0; pass < passes; pass++) {
      Jobs.drain(spark.sql(sql));
    }
  }

  /** The cached table is read several times, so SQL runs about as long as raw and the job. */
  long sqlPasses() {
    return Math.max(1, options.rows / options.sqlRows);
  }

  static String query(String model, String view) {
    return "SELECT id, predict('" + model + "', features) FROM " + view;
  }
}
