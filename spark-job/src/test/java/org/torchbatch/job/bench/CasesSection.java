package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.JOB;
import static org.torchbatch.job.bench.Bench.MLP_OUTPUTS;
import static org.torchbatch.job.bench.Bench.NARROW;
import static org.torchbatch.job.bench.Bench.NO_MODEL_SAME_OUTPUT;
import static org.torchbatch.job.bench.Bench.RAW;
import static org.torchbatch.job.bench.Bench.READ;
import static org.torchbatch.job.bench.Bench.SPARK_ALONE;
import static org.torchbatch.job.bench.Bench.SQL;
import static org.torchbatch.job.bench.Bench.TINY_JOB;
import static org.torchbatch.job.bench.Bench.TINY_OUTPUTS;
import static org.torchbatch.job.bench.Bench.WIDE;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelRunner;
import org.torchbatch.spark.Learned;
import org.torchbatch.spark.parquet.TensorParquetFormat;

/** Cases 1-5 of the issue, side by side, and the ratios they are judged by. */
final class CasesSection {
  private static final String RAW_SHARED =
      "graph-runtime raw, mlp_small, batch 4096, 1 runner x 2 threads";
  private static final String JOB_AUTO =
      "job Parquet -> Parquet, mlp_small, batch auto (the default), learning counted";
  private static final String JOB_TASK_RUNNERS =
      "the same job (batch auto), runners task: each task's calls on its own core";
  private static final String JOB_SHARED_RUNNERS =
      "the same job (batch auto), runners shared: the tasks' calls in turn on both cores";
  private static final String JOB_SPARK_PARQUET =
      "the same job on Spark's Parquet reader and writer";
  private static final String SPARK_READ = "read the features (batches, no rows), Spark's reader";
  private static final String RAW_TINY =
      "graph-runtime raw, tiny_mlp, batch 4096, 2 runners x 1 thread";
  private static final String NO_MODEL = "same input copied, no model (16 floats a row out)";
  private static final String NO_MODEL_SPARK_PARQUET =
      "the same, on Spark's own Parquet reader and writer";
  private static final String BATCHED = "SQL predict, tiny_mlp, cached data";
  private static final String PER_ROW = "per-row Java UDF calling DJL, tiny_mlp";
  // raw runs the tiny model ~10x as fast as its job: as many rows would time a tenth of a second
  private static final int RAW_TINY_ROW_FACTOR = 10;

  private final Bench bench;
  private final BenchOptions options;

  CasesSection(Bench bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void run() throws Exception {
    String wide = bench.parquet(options.rows, WIDE);
    String narrow = bench.parquet(options.tinyRows, NARROW);
    Dataset<Row> cachedWide = BenchData.cached(bench.spark, "wide", options.sqlRows, WIDE);
    Dataset<Row> cachedNarrow = BenchData.cached(bench.spark, "narrow", options.udfRows, NARROW);
    RowUdf.register(bench.spark, "rowpredict", bench.tiny);
    // the targets compare mlp_small at batch 4096 everywhere; the sweep shows other sizes
    bench.spark.conf().set("spark.torchbatch.model.mlp.batchSize", "4096");
    String output = bench.output();
    long sqlPasses = bench.sqlPasses();
    long rawTinyRows = RAW_TINY_ROW_FACTOR * options.tinyRows;
    SideBySide.Rounds rounds;
    RawAtItsBest rawBest;
    try (ModelHandle handle = ModelCache.shared().acquire(bench.mlp, DeviceSpec.CPU);
        ModelHandle tinyHandle = ModelCache.shared().acquire(bench.tiny, DeviceSpec.CPU)) {
      List<RawRuns.Feed> taskShaped = RawAtItsBest.taskShapedFeeds(handle, 4096, WIDE);
      // 4096: the size auto settles at for the tiny job, whose input batches cap it there
      List<RawRuns.Feed> tinyTaskShaped = RawAtItsBest.taskShapedFeeds(tinyHandle, 4096, NARROW);
      ModelRunner shared = handle.newRunner(2);
      HostTensor ready = RawRuns.readyTensor(4096, WIDE);
      System.out.println("Cases, side by side:");
      SideBySide cases =
          bench
              .sideBySide(options.roundSeconds)
              // raw over as many rows as the job, so both ride out the same noise
              .add(RAW, options.rows, () -> RawRuns.rowsPerSecond(taskShaped, (int) options.rows))
              .add(
                  RAW_SHARED,
                  options.rows,
                  () -> RawRuns.rowsPerSecond(shared, ready, (int) options.rows))
              .add(
                  SQL,
                  sqlPasses * options.sqlRows,
                  () -> bench.drainPasses(Bench.query("mlp", "wide"), sqlPasses))
              .add(JOB, options.rows, Bench.inCache(wide), () -> bench.mlpJob(wide, output))
              .add(
                  JOB_AUTO,
                  options.rows,
                  () -> {
                    Learned.forget();
                    BenchData.intoPageCache(wide);
                  },
                  () -> Jobs.predict(bench.mlp.toString(), WIDE, wide, output))
              .add(
                  JOB_TASK_RUNNERS,
                  options.rows,
                  () -> {
                    Learned.forget();
                    BenchData.intoPageCache(wide);
                  },
                  () -> Jobs.predict(bench.mlp.toString(), WIDE, wide, output, "--runners", "task"))
              .add(
                  JOB_SHARED_RUNNERS,
                  options.rows,
                  () -> {
                    Learned.forget();
                    BenchData.intoPageCache(wide);
                  },
                  () ->
                      Jobs.predict(bench.mlp.toString(), WIDE, wide, output, "--runners", "shared"))
              .add(
                  JOB_SPARK_PARQUET,
                  options.rows,
                  Bench.inCache(wide),
                  () ->
                      Jobs.predict(
                          bench.mlp.toString(),
                          WIDE,
                          wide,
                          output,
                          "--batch-size",
                          "4096",
                          "--parquet-reader",
                          "spark",
                          "--parquet-writer",
                          "spark"))
              .add(
                  SPARK_ALONE,
                  options.rows,
                  Bench.inCache(wide),
                  () -> Jobs.sparkAlone(bench.spark, wide, output, MLP_OUTPUTS))
              .add(
                  READ,
                  options.rows,
                  Bench.inCache(wide),
                  () -> Jobs.scan(bench.spark, TensorParquetFormat.Name(), wide))
              .add(
                  SPARK_READ,
                  options.rows,
                  Bench.inCache(wide),
                  () -> Jobs.scan(bench.spark, "parquet", wide))
              .add(
                  RAW_TINY,
                  rawTinyRows,
                  () -> RawRuns.rowsPerSecond(tinyTaskShaped, (int) rawTinyRows))
              .add(
                  TINY_JOB,
                  options.tinyRows,
                  Bench.inCache(narrow),
                  () -> Jobs.predict(bench.tiny.toString(), NARROW, narrow, output))
              .add(
                  NO_MODEL,
                  options.tinyRows,
                  Bench.inCache(narrow),
                  () -> Jobs.copy(bench.spark, narrow, output))
              .add(
                  NO_MODEL_SAME_OUTPUT,
                  options.tinyRows,
                  Bench.inCache(narrow),
                  () -> Jobs.sparkAlone(bench.spark, narrow, output, TINY_OUTPUTS))
              .add(
                  NO_MODEL_SPARK_PARQUET,
                  options.tinyRows,
                  Bench.inCache(narrow),
                  () -> Jobs.sparkAlone(bench.spark, "parquet", narrow, output, TINY_OUTPUTS))
              .add(
                  BATCHED,
                  options.udfRows,
                  () -> Jobs.drain(bench.spark.sql(Bench.query("tiny", "narrow"))))
              .add(
                  PER_ROW,
                  options.udfRows,
                  () -> Jobs.drain(bench.spark.sql("SELECT id, rowpredict(features) FROM narrow")));
      // over the sweep's rows: ten variants at the job's rows would take most of
      // each round
      rawBest = new RawAtItsBest(cases, handle, WIDE, options.sweepRows);
      rounds = cases.run(options.repeats);
    }
    Map<String, Measurement> measured = rounds.rates();
    String rawAtItsBest =
        "raw at its best (mlp_small; batch "
            + RawAtItsBest.SIZES[0]
            + "-"
            + RawAtItsBest.SIZES[RawAtItsBest.SIZES.length - 1]
            + ", both runner shapes)";
    Measurement best = rawBest.best(measured);
    bench.report.target(
        new Report.Ratio(
            "job (batch auto) / " + rawAtItsBest,
            measured.get(JOB_AUTO).dividedBy(best),
            0.90,
            ">="));
    bench.report.target(
        new Report.Ratio(
            "job (batch 4096) / " + rawAtItsBest, measured.get(JOB).dividedBy(best), 0.90, ">="));
    bench.report.target(
        new Report.Ratio(
            "job (runners auto) / the round's faster of its runner shapes (task, shared),"
                + " learning counted",
            measured
                .get(JOB_AUTO)
                .dividedBy(Ratios.fastest(measured, List.of(JOB_TASK_RUNNERS, JOB_SHARED_RUNNERS))),
            0.95,
            ">="));
    bench.report.target(Ratios.ratio("job / raw (mlp_small)", measured, JOB, RAW, 0.90));
    bench.report.target(Ratios.ratio("SQL predict / raw (mlp_small)", measured, SQL, RAW, 0.90));
    bench.report.target(
        Ratios.ratio("tiny-model job / no-model copy", measured, TINY_JOB, NO_MODEL, 0.90));
    bench.report.target(
        Ratios.ratio(
            "tiny-model job / no-model job writing as much as it",
            measured,
            TINY_JOB,
            NO_MODEL_SAME_OUTPUT,
            0.90));
    bench.report.target(
        Ratios.ratio(
            "tiny-model job / no-model job writing as much, on Spark's own Parquet",
            measured,
            TINY_JOB,
            NO_MODEL_SPARK_PARQUET,
            0.90));
    bench.report.target(
        Ratios.ratio(
            "batched SQL predict / per-row UDF (tiny_mlp)", measured, BATCHED, PER_ROW, 10));
    bench.report.limit(limit(measured, best));
    Map<String, Measurement> cpu = new LinkedHashMap<>();
    cpu.put("job / raw (mlp_small)", Ratios.perCpuSecond(rounds, JOB, RAW));
    cpu.put("SQL predict / raw (mlp_small)", Ratios.perCpuSecond(rounds, SQL, RAW));
    cpu.put("tiny-model job / no-model copy", Ratios.perCpuSecond(rounds, TINY_JOB, NO_MODEL));
    cpu.put(
        "tiny-model job / no-model job writing as much as it",
        Ratios.perCpuSecond(rounds, TINY_JOB, NO_MODEL_SAME_OUTPUT));
    cpu.put(
        "tiny-model job / no-model job writing as much, on Spark's own Parquet",
        Ratios.perCpuSecond(rounds, TINY_JOB, NO_MODEL_SPARK_PARQUET));
    bench.report.cpuTime(cpu);
    bench.report.cases(rounds);
    bench.report.write();
    cachedWide.unpersist(true);
    cachedNarrow.unpersist(true);
  }

  /**
   * Where the job could get if torchbatch cost nothing: on a machine whose cores are all busy, the
   * model's work (raw) and Spark's own read + write (no model) add up, so the limit rate is {@code
   * 1 / (1 / raw + 1 / sparkAlone)}. Per round: that limit over raw, and the job over that limit;
   * for the tiny model, that limit over its no-model job on torchbatch's reader and writer; and the
   * same with raw at its best ({@code best}) and the job at auto.
   */
  private static Report.Limit limit(Map<String, Measurement> measured, Measurement best) {
    Ratios.Reach reach =
        Ratios.reach(
            measured.get(RAW), measured.get(SPARK_ALONE), measured.get(JOB), measured.get(RAW));
    Ratios.Reach autoReach =
        Ratios.reach(best, measured.get(SPARK_ALONE), measured.get(JOB_AUTO), best);
    Measurement noModel = measured.get(NO_MODEL_SAME_OUTPUT);
    Ratios.Reach tinyReach =
        Ratios.reach(measured.get(RAW_TINY), noModel, measured.get(TINY_JOB), noModel);
    return new Report.Limit(
        reach.reachable(),
        reach.reached(),
        autoReach.reachable(),
        autoReach.reached(),
        tinyReach.reachable(),
        tinyReach.reached(),
        Ratios.perRound(measured, JOB, JOB_SPARK_PARQUET),
        Ratios.perRound(measured, READ, SPARK_READ),
        Ratios.perRound(measured, RAW, RAW_SHARED));
  }
}
