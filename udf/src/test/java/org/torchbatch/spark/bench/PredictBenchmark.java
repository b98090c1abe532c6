package org.torchbatch.spark.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;
import org.torchbatch.runtime.engine.ModelRunner;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.TorchbatchExtensions;

/**
 * SQL predict against graph-runtime's raw rows/s (mlp_small, batch 4096) and against a naive
 * per-row Java UDF calling DJL (tiny model), on data cached in memory, measured interleaved in one
 * run on local[2]. Not a test: prints ratios; `scripts/bench-sql` runs it.
 */
public final class PredictBenchmark {
  private static final int BATCH = 4096;

  private PredictBenchmark() {}

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int tinyRows = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.extensions", TorchbatchExtensions.class.getName())
            .config("spark.torchbatch.model.mlp.path", Fixtures.archive("mlp_small").toString())
            .config("spark.torchbatch.model.tiny.path", Fixtures.archive("tiny_mlp").toString())
            .config("spark.torchbatch.model.tiny.shapes", "16")
            .config("spark.torchbatch.defaultModel", "mlp")
            .getOrCreate();
    Dataset<Row> wide = cached(spark, "wide", rows, 512);
    Dataset<Row> narrow = cached(spark, "narrow", tinyRows, 16);
    registerRowUdf(spark);

    List<String[]> table = new ArrayList<>();
    double[] raw = new double[repeats];
    double[] sql = new double[repeats];
    double[] batched = new double[repeats];
    double[] perRow = new double[repeats];
    try (ModelHandle mlp =
        ModelCache.shared().acquire(Fixtures.archive("mlp_small"), DeviceSpec.CPU)) {
      ModelRunner runner = mlp.newRunner(2);
      HostTensor ready = RawRuns.readyTensor(BATCH, 512);
      timed(() -> noop(spark.sql("SELECT predict(features) FROM wide")), rows);
      timed(() -> noop(spark.sql("SELECT predict('tiny', features) FROM narrow")), tinyRows);
      for (int r = 0; r < repeats; r++) {
        raw[r] = RawRuns.rowsPerSecond(runner, ready, rows);
        sql[r] = timed(() -> noop(spark.sql("SELECT predict(features) FROM wide")), rows);
        batched[r] =
            timed(() -> noop(spark.sql("SELECT predict('tiny', features) FROM narrow")), tinyRows);
        perRow[r] =
            timed(() -> noop(spark.sql("SELECT rowpredict(features) FROM narrow")), tinyRows);
      }
    }
    Measurement rawRate = new Measurement(raw);
    Measurement sqlRate = new Measurement(sql);
    Measurement batchedRate = new Measurement(batched);
    Measurement perRowRate = new Measurement(perRow);
    System.out.printf(
        "%n%-58s %s%n",
        "case (local[2], cached data, median of " + repeats + ")", "rows/s (min-max)");
    System.out.printf(
        "%-58s %s%n", "graph-runtime raw, mlp_small, batch 4096, 2 threads", rawRate.describe());
    System.out.printf(
        "%-58s %s%n", "SQL predict, mlp_small, " + rows + " rows", sqlRate.describe());
    System.out.printf(
        "%-58s %s%n", "SQL predict, tiny_mlp, " + tinyRows + " rows", batchedRate.describe());
    System.out.printf(
        "%-58s %s%n", "per-row Java UDF calling DJL, tiny_mlp", perRowRate.describe());
    System.out.printf(
        "%nSQL predict / raw (mlp_small):          %.3f (target >= 0.90)%n",
        sqlRate.median() / rawRate.median());
    System.out.printf(
        "batched predict / per-row UDF (tiny):   %.1f (target >= 10)%n",
        batchedRate.median() / perRowRate.median());
    spark.stop();
  }

  private static Dataset<Row> cached(SparkSession spark, String name, int rows, int width) {
    Dataset<Row> data =
        spark
            .range(0, rows, 1, 2)
            .selectExpr(
                "id",
                "transform(sequence(1, " + width + "), i -> CAST(randn() AS FLOAT)) AS features")
            .cache();
    data.count();
    data.createOrReplaceTempView(name);
    return data;
  }

  /** What a user writes first: one DJL call per row, a runner per thread. */
  private static final ThreadLocal<ModelRunner> ROW_RUNNERS =
      ThreadLocal.withInitial(
          () ->
              ModelCache.shared()
                  .acquire(Fixtures.archive("tiny_mlp"), DeviceSpec.CPU)
                  .newRunner(1));

  private static void registerRowUdf(SparkSession spark) {
    spark
        .udf()
        .register(
            "rowpredict",
            (UDF1<scala.collection.Seq<Float>, float[]>)
                features -> {
                  float[] input = new float[features.length()];
                  for (int i = 0; i < input.length; i++) {
                    input[i] = features.apply(i);
                  }
                  try (ModelOutputs out =
                      ROW_RUNNERS
                          .get()
                          .run("forward", List.of(HostTensor.ofFloats(input, 1, input.length)))) {
                    double[] values = out.get(0).toDoubles();
                    float[] result = new float[values.length];
                    for (int i = 0; i < result.length; i++) {
                      result[i] = (float) values[i];
                    }
                    return result;
                  }
                },
            DataTypes.createArrayType(DataTypes.FloatType));
  }

  private static long noop(Dataset<Row> query) {
    query.write().format("noop").mode("overwrite").save();
    return 0;
  }

  private static double timed(LongSupplier body, int rows) {
    long begin = System.nanoTime();
    body.getAsLong();
    return rows / ((System.nanoTime() - begin) / 1e9);
  }
}
