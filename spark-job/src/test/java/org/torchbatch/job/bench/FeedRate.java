package org.torchbatch.job.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.parquet.TensorParquetFormat;

/**
 * The feed rate: how fast the job moves rows through a model that costs almost nothing ({@code
 * first_ten}: 512 floats in, the first 10 out), beside Spark reading and writing the same columns
 * alone, the scan alone, and the job with mlp_small. On a GPU the model takes a few percent of
 * mlp_small's CPU time, so this rate is what feeds it.
 */
final class FeedRate {
  static final String NOOP_JOB = "no-op job (first_ten), torchbatch-parquet";
  static final String NOOP_JOB_SPARK = "no-op job (first_ten), Spark's reader and writer";
  static final String NOOP_JOB_IN_PROCESS =
      "no-op job (first_ten), torchbatch-parquet, output files created in-process";
  static final String SPARK_ALONE = "Spark alone: read the column, write a 10-float slice";
  static final String SPARK_ALONE_IN_PROCESS = "Spark alone, output files created in-process";
  static final String SCAN = "scan alone: torchbatch-parquet's batches, no rows made";
  static final String MLP_JOB = "mlp_small job, torchbatch-parquet";

  /** The target: rows a second per core of the no-op job (0.7 GB/s of features a core). */
  static final double TARGET_PER_CORE = 350_000;

  private FeedRate() {}

  /**
   * The cases, side by side, over {@code input} (512-float rows), at batch size 4096; the
   * in-process ones write through {@link InProcessPermissions}, as a cluster's storage creates
   * files.
   */
  static SideBySide.Rounds measure(
      SparkSession spark,
      String input,
      long rows,
      String output,
      SideBySide sideBySide,
      int repeats)
      throws Exception {
    String noop = Fixtures.archive("first_ten").toString();
    String mlp = Fixtures.archive("mlp_small").toString();
    Runnable inCache = () -> BenchData.intoPageCache(input);
    spark
        .sparkContext()
        .hadoopConfiguration()
        .set("fs.inproc.impl", InProcessPermissions.class.getName());
    String inProcess = "inproc://" + java.nio.file.Path.of(output).toAbsolutePath() + "-inproc";
    return sideBySide
        .add(NOOP_JOB, rows, inCache, () -> job(noop, input, output))
        .add(
            NOOP_JOB_SPARK,
            rows,
            inCache,
            () ->
                job(noop, input, output, "--parquet-reader", "spark", "--parquet-writer", "spark"))
        .add(NOOP_JOB_IN_PROCESS, rows, inCache, () -> job(noop, input, inProcess))
        .add(SPARK_ALONE, rows, inCache, () -> Jobs.sparkAlone(spark, input, output, 10))
        .add(
            SPARK_ALONE_IN_PROCESS,
            rows,
            inCache,
            () -> Jobs.sparkAlone(spark, input, inProcess, 10))
        .add(SCAN, rows, inCache, () -> Jobs.scan(spark, TensorParquetFormat.Name(), input))
        .add(MLP_JOB, rows, inCache, () -> job(mlp, input, output))
        .run(repeats);
  }

  /** Each case's rows/s a core and rows per CPU-second (the JVM's), by round. */
  static Map<String, Measurement> perCore(SideBySide.Rounds rounds, int cores) {
    Map<String, Measurement> perCore = new LinkedHashMap<>();
    rounds.rates().forEach((name, rates) -> perCore.put(name, scaled(rates, 1.0 / cores)));
    return perCore;
  }

  static Map<String, Measurement> perCpuSecond(SideBySide.Rounds rounds) {
    Map<String, Measurement> perCpu = new LinkedHashMap<>();
    rounds.rates().keySet().forEach(name -> perCpu.put(name, rounds.perCpuSecond(name)));
    return perCpu;
  }

  private static Measurement scaled(Measurement rates, double factor) {
    double[] values = rates.rowsPerSecond().clone();
    for (int i = 0; i < values.length; i++) {
      values[i] *= factor;
    }
    return new Measurement(values);
  }

  static void noopJob(String input, String output) {
    job(Fixtures.archive("first_ten").toString(), input, output);
  }

  private static void job(String model, String input, String output, String... extra) {
    String[] all = new String[extra.length + 2];
    all[0] = "--batch-size";
    all[1] = "4096";
    System.arraycopy(extra, 0, all, 2, extra.length);
    Jobs.predict(model, 512, input, output, all);
  }
}
