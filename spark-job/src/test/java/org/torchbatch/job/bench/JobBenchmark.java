package org.torchbatch.job.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.job.TorchbatchJobRunner;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelRunner;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.TorchbatchExtensions;

/**
 * The predict job Parquet -> Parquet beside graph-runtime's raw rows/s (mlp_small, 512 floats a
 * row, batch 4096, 2 threads), and a tiny model's job beside the same read + write with no model,
 * interleaved in one run on local[2]. Not a test: `scripts/bench-job` runs it.
 */
public final class JobBenchmark {
  private static final int BATCH = 4096;

  private JobBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int tinyRows = args.length > 1 ? Integer.parseInt(args[1]) : 2_000_000;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    Path dir = Path.of(args.length > 3 ? args[3] : "target/job-bench").toAbsolutePath();
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.extensions", TorchbatchExtensions.class.getName())
            .getOrCreate();
    String wide = parquet(spark, dir.resolve("wide-" + rows), rows, 512);
    String narrow = parquet(spark, dir.resolve("narrow-" + tinyRows), tinyRows, 16);
    String mlp = Fixtures.archive("mlp_small").toString();
    String tiny = Fixtures.archive("tiny_mlp").toString();
    String out = dir.resolve("out").toString();

    double[] raw = new double[repeats];
    double[] job = new double[repeats];
    double[] tinyJob = new double[repeats];
    double[] noModel = new double[repeats];
    try (ModelHandle handle =
        ModelCache.shared().acquire(Fixtures.archive("mlp_small"), DeviceSpec.CPU)) {
      ModelRunner runner = handle.newRunner(2);
      HostTensor ready = RawRuns.readyTensor(BATCH, 512);
      for (int r = -1; r < repeats; r++) {
        double rawRate = RawRuns.rowsPerSecond(runner, ready, rows);
        double jobRate = rate(rows, () -> predict(mlp, "512", wide, out));
        double tinyRate = rate(tinyRows, () -> predict(tiny, "16", narrow, out));
        double copyRate =
            rate(
                tinyRows,
                () ->
                    spark
                        .read()
                        .parquet(narrow)
                        .select("id", "features")
                        .write()
                        .mode("overwrite")
                        .parquet(out));
        if (r >= 0) {
          raw[r] = rawRate;
          job[r] = jobRate;
          tinyJob[r] = tinyRate;
          noModel[r] = copyRate;
        }
      }
    }
    Measurement rawM = new Measurement(raw);
    Measurement jobM = new Measurement(job);
    Measurement tinyM = new Measurement(tinyJob);
    Measurement copyM = new Measurement(noModel);
    System.out.printf(
        "%n%-60s %s%n",
        "case (local[2], median of " + repeats + " after a warm-up)", "rows/s (min-max)");
    System.out.printf(
        "%-60s %s%n", "graph-runtime raw, mlp_small, batch 4096, 2 threads", rawM.describe());
    System.out.printf(
        "%-60s %s%n", "job Parquet -> Parquet, mlp_small, " + rows + " rows", jobM.describe());
    System.out.printf(
        "%-60s %s%n", "job Parquet -> Parquet, tiny_mlp, " + tinyRows + " rows", tinyM.describe());
    System.out.printf("%-60s %s%n", "same read + write, no model", copyM.describe());
    System.out.printf(
        "%njob / raw (mlp_small):            %.3f (target >= 0.90)%n",
        jobM.median() / rawM.median());
    System.out.printf(
        "tiny-model job / no-model job:    %.3f (target >= 0.90)%n",
        tinyM.median() / copyM.median());
    spark.stop();
  }

  private static void predict(String model, String shape, String input, String output) {
    int code =
        TorchbatchJobRunner.run(
            "predict",
            "--model",
            model,
            "--shape",
            shape,
            "--arg",
            "features",
            "--keep",
            "id",
            "--input",
            input,
            "--output",
            output,
            "--mode",
            "overwrite");
    if (code != 0) {
      throw new IllegalStateException("predict job exited with " + code);
    }
  }

  private static String parquet(SparkSession spark, Path path, int rows, int width) {
    if (!Files.isDirectory(path)) {
      spark
          .range(0, rows, 1, 8)
          .selectExpr(
              "id",
              "transform(sequence(1, "
                  + width
                  + "), i -> CAST(sin(id * 0.37 + i) AS FLOAT)) AS features")
          .write()
          .parquet(path.toString());
    }
    return path.toString();
  }

  private static double rate(int rows, Runnable body) {
    long begin = System.nanoTime();
    body.run();
    return rows / ((System.nanoTime() - begin) / 1e9);
  }
}
