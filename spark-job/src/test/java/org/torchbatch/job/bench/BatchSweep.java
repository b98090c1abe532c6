package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.NARROW;
import static org.torchbatch.job.bench.Bench.WIDE;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;

/**
 * Raw, SQL predict on cached data and the job on mlp_small, and the tiny model's job, side by side
 * at each batch size, then SQL and both jobs with the default, auto.
 */
final class BatchSweep {
  private final Bench bench;
  private final BenchOptions options;

  BatchSweep(Bench bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void run() throws Exception {
    Dataset<Row> cachedWide = BenchData.cached(bench.spark, "wide", options.sweepRows, WIDE);
    String wide = bench.parquet(options.sweepRows, WIDE);
    String narrow = bench.parquet(options.tinyRows, NARROW);
    String output = bench.output();
    Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
    String raw = "graph-runtime raw, 2 runners x 1 thread";
    String sql = "SQL predict, cached data";
    String job = "job Parquet -> Parquet, " + options.sweepRows + " rows";
    String tinyJob = "job Parquet -> Parquet, tiny_mlp, " + options.tinyRows + " rows";
    for (String name : List.of(raw, sql, job, tinyJob)) {
      series.put(name, new LinkedHashMap<>());
    }
    System.out.println("Batch sizes:");
    try (ModelHandle handle = ModelCache.shared().acquire(bench.mlp, DeviceSpec.CPU)) {
      for (int batch : options.batchSizes) {
        List<RawRuns.Feed> taskShaped = RawAtItsBest.taskShapedFeeds(handle, batch, WIDE);
        String size = String.valueOf(batch);
        bench.spark.conf().set("spark.torchbatch.model.mlp.batchSize", size);
        Map<String, Measurement> measured =
            bench
                .sideBySide(options.roundSeconds)
                .add(
                    raw,
                    options.sweepRows,
                    () -> RawRuns.rowsPerSecond(taskShaped, (int) options.sweepRows))
                .add(
                    sql,
                    options.sweepRows,
                    () -> Jobs.drain(bench.spark.sql(Bench.query("mlp", "wide"))))
                .add(
                    job,
                    options.sweepRows,
                    Bench.inCache(wide),
                    () ->
                        Jobs.predict(
                            bench.mlp.toString(), WIDE, wide, output, "--batch-size", size))
                .add(
                    tinyJob,
                    options.tinyRows,
                    Bench.inCache(narrow),
                    () ->
                        Jobs.predict(
                            bench.tiny.toString(), NARROW, narrow, output, "--batch-size", size))
                .run(options.repeats)
                .rates();
        measured.forEach((name, m) -> series.get(name).put(batch, m.median()));
      }
    }
    // each model learns its own size in the warm-up, as an executor does on its first rows
    bench.spark.conf().set("spark.torchbatch.model.mlp.batchSize", BatchSizer.AUTO);
    Map<String, Double> auto = new LinkedHashMap<>();
    bench
        .sideBySide(options.roundSeconds)
        .add(sql, options.sweepRows, () -> Jobs.drain(bench.spark.sql(Bench.query("mlp", "wide"))))
        .add(
            job,
            options.sweepRows,
            Bench.inCache(wide),
            () -> Jobs.predict(bench.mlp.toString(), WIDE, wide, output))
        .add(
            tinyJob,
            options.tinyRows,
            Bench.inCache(narrow),
            () -> Jobs.predict(bench.tiny.toString(), NARROW, narrow, output))
        .run(options.repeats)
        .rates()
        .forEach((name, m) -> auto.put(name, m.median()));
    bench.spark.conf().unset("spark.torchbatch.model.mlp.batchSize");
    // the tiny job's rows/s would flatten the mlp_small lines: it is in the table
    // only
    Map<String, Map<Integer, Double>> charted = new LinkedHashMap<>(series);
    charted.remove(tinyJob);
    Charts.throughputByBatch(bench.folder.resolve("throughput-vs-batch.png"), charted);
    bench.report.batchSizes(series, auto, "throughput-vs-batch.png");
    bench.report.write();
    cachedWide.unpersist(true);
  }
}
