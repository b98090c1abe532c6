package org.torchbatch.job.bench;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.bridge.bench.ConversionBenchmark;
import org.torchbatch.runtime.CpuInfo;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelRunner;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.parquet.SplitOpener;
import org.torchbatch.spark.parquet.TensorParquetFormat;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Every benchmark in one run on local[2], each figure a ratio of cases measured side by side:
 * writes report.md and PNG charts to a new folder under {@code --out}. Not a test: {@code
 * scripts/bench} runs it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "torchbatch benchmarks")
public final class BenchSuite implements Callable<Integer> {
  private static final String RAW =
      "graph-runtime raw, mlp_small, batch 4096, 2 runners x 1 thread (the job's shape)";
  private static final String RAW_SHARED =
      "graph-runtime raw, mlp_small, batch 4096, 1 runner x 2 threads";
  private static final String SQL = "SQL predict, mlp_small, batch 4096, cached data";
  private static final String JOB = "job Parquet -> Parquet, mlp_small, batch 4096";
  private static final String JOB_SPARK_PARQUET =
      "the same job on Spark's Parquet reader and writer";
  private static final String SPARK_ALONE = "same read + write as the job, no model";
  private static final String READ = "read the features (batches, no rows), torchbatch-parquet";
  private static final String SPARK_READ = "read the features (batches, no rows), Spark's reader";
  private static final String RAW_TINY =
      "graph-runtime raw, tiny_mlp, batch 4096, 2 runners x 1 thread";
  private static final String TINY_JOB = "job Parquet -> Parquet, tiny_mlp";
  private static final String NO_MODEL = "same input copied, no model (16 floats a row out)";
  private static final String NO_MODEL_SAME_OUTPUT =
      "the tiny job's read + write, no model (3 floats a row out)";
  private static final String NO_MODEL_SPARK_PARQUET =
      "the same, on Spark's own Parquet reader and writer";
  private static final String BATCHED = "SQL predict, tiny_mlp, cached data";
  private static final String PER_ROW = "per-row Java UDF calling DJL, tiny_mlp";
  private static final int WIDE = 512;
  private static final int NARROW = 16;
  // floats a row each model writes: what the no-model jobs write in its place
  private static final int MLP_OUTPUTS = 10;
  private static final int TINY_OUTPUTS = 3;
  // raw runs the tiny model ~10x as fast as its job: as many rows would time a tenth of a second
  private static final int RAW_TINY_ROW_FACTOR = 10;

  @Option(names = "--rows", defaultValue = "2000000", description = "rows of the mlp_small job")
  long rows;

  @Option(
      names = "--sql-rows",
      defaultValue = "200000",
      description = "cached rows, mlp_small (read --rows / this many times)")
  long sqlRows;

  @Option(names = "--tiny-rows", defaultValue = "2000000", description = "rows of the tiny jobs")
  long tinyRows;

  @Option(names = "--udf-rows", defaultValue = "300000", description = "cached rows, per-row UDF")
  long udfRows;

  @Option(
      names = "--memory-rows",
      defaultValue = "10000000",
      description = "rows of the long query whose memory is sampled")
  long memoryRows;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "256,512,1024,2048,4096,8192,16384")
  List<Integer> batchSizes;

  @Option(
      names = "--sweep-rows",
      defaultValue = "500000",
      description = "rows of each case per batch size")
  long sweepRows;

  @Option(
      names = "--heavier-rows",
      defaultValue = "500000",
      description = "rows of each case on the heavier model")
  long heavierRows;

  @Option(
      names = "--storage-rows",
      defaultValue = "500000",
      description = "rows of each case on capped storage")
  long storageRows;

  @Option(
      names = "--storage-mb-per-second",
      defaultValue = "100",
      description = "the capped storage's MB/s a stream (a remote store's order of magnitude)")
  long storageMbPerSecond;

  @Option(names = "--repeats", defaultValue = "3", description = "rounds after the warm-up")
  int repeats;

  @Option(
      names = "--pairs",
      defaultValue = "12",
      description =
          "rounds of the pairs section (SQL predict, raw and the mlp_small job, once each)")
  int pairs;

  @Option(
      names = "--warm-up",
      defaultValue = "10",
      description = "seconds each case runs (at least once) before the rounds")
  double warmUp;

  @Option(
      names = "--round-seconds",
      defaultValue = "5",
      description = "seconds each case runs (at least once) in a round")
  double roundSeconds;

  @Option(
      names = "--only",
      split = ",",
      defaultValue = "cases,feed,pairs,heavier,storage,batch,phases,profile,conversions,memory",
      description = "sections to run: ${DEFAULT-VALUE}")
  Set<String> sections;

  @Option(
      names = "--seed",
      description =
          "the order of the cases in each pass (random if not given; the report names it)")
  Long seed;

  @Option(names = "--data", defaultValue = "target/bench-data", description = "input Parquet")
  Path data;

  @Option(names = "--out", defaultValue = "bench-results", description = "reports go here")
  Path out;

  @Spec CommandSpec spec;

  private SparkSession spark;
  private Path mlp;
  private Path tiny;
  private Path folder;
  private Report report;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchSuite()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    folder =
        Files.createDirectories(
            out.resolve(
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
    if (seed == null) {
      seed = new Random().nextLong();
    }
    spark = BenchSession.start();
    mlp = Fixtures.archive("mlp_small");
    tiny = Fixtures.archive("tiny_mlp");
    spark.conf().set("spark.torchbatch.model.mlp.path", mlp.toString());
    spark.conf().set("spark.torchbatch.model.tiny.path", tiny.toString());
    spark.conf().set("spark.torchbatch.model.tiny.shapes", String.valueOf(NARROW));
    report = new Report(folder.resolve("report.md"), "torchbatch benchmarks", setup());
    if (sections.contains("cases")) {
      cases();
    }
    if (sections.contains("feed")) {
      feedRate();
    }
    if (sections.contains("pairs")) {
      pairs();
    }
    if (sections.contains("heavier")) {
      heavier();
    }
    if (sections.contains("storage")) {
      storage();
    }
    if (sections.contains("batch")) {
      batchSizes();
    }
    if (sections.contains("phases")) {
      phases();
    }
    if (sections.contains("profile")) {
      profile();
    }
    if (sections.contains("conversions")) {
      System.out.println("Conversions:");
      report.conversions(ConversionBenchmark.run(1.0));
      report.write();
    }
    if (sections.contains("memory")) {
      memory();
    }
    spark.stop();
    System.out.println("Report: " + folder.resolve("report.md"));
    return 0;
  }

  /** Cases 1-5 of the issue, side by side, and the ratios they are judged by. */
  private void cases() throws Exception {
    String wide = BenchData.parquet(spark, data, rows, WIDE);
    String narrow = BenchData.parquet(spark, data, tinyRows, NARROW);
    Dataset<Row> cachedWide = BenchData.cached(spark, "wide", sqlRows, WIDE);
    Dataset<Row> cachedNarrow = BenchData.cached(spark, "narrow", udfRows, NARROW);
    RowUdf.register(spark, "rowpredict", tiny);
    // the targets compare mlp_small at batch 4096 everywhere; the sweep shows other sizes
    spark.conf().set("spark.torchbatch.model.mlp.batchSize", "4096");
    String output = folder.resolve("job-output").toString();
    long sqlPasses = sqlPasses();
    long rawTinyRows = RAW_TINY_ROW_FACTOR * tinyRows;
    SideBySide.Rounds rounds;
    RawAtItsBest rawBest;
    try (ModelHandle handle = ModelCache.shared().acquire(mlp, DeviceSpec.CPU);
        ModelHandle tinyHandle = ModelCache.shared().acquire(tiny, DeviceSpec.CPU)) {
      List<RawRuns.Feed> taskShaped = RawAtItsBest.taskShapedFeeds(handle, 4096, WIDE);
      // 4096: the size auto settles at for the tiny job, whose input batches cap it there
      List<RawRuns.Feed> tinyTaskShaped = RawAtItsBest.taskShapedFeeds(tinyHandle, 4096, NARROW);
      ModelRunner shared = handle.newRunner(2);
      HostTensor ready = RawRuns.readyTensor(4096, WIDE);
      System.out.println("Cases, side by side:");
      SideBySide cases =
          sideBySide(roundSeconds)
              // raw over as many rows as the job, so both ride out the same noise
              .add(RAW, rows, () -> RawRuns.rowsPerSecond(taskShaped, (int) rows))
              .add(RAW_SHARED, rows, () -> RawRuns.rowsPerSecond(shared, ready, (int) rows))
              .add(SQL, sqlPasses * sqlRows, () -> drainPasses(query("mlp", "wide"), sqlPasses))
              .add(JOB, rows, inCache(wide), () -> mlpJob(wide, output))
              .add(
                  JOB_SPARK_PARQUET,
                  rows,
                  inCache(wide),
                  () ->
                      Jobs.predict(
                          mlp.toString(),
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
                  rows,
                  inCache(wide),
                  () -> Jobs.sparkAlone(spark, wide, output, MLP_OUTPUTS))
              .add(
                  READ,
                  rows,
                  inCache(wide),
                  () -> Jobs.scan(spark, TensorParquetFormat.Name(), wide))
              .add(SPARK_READ, rows, inCache(wide), () -> Jobs.scan(spark, "parquet", wide))
              .add(
                  RAW_TINY,
                  rawTinyRows,
                  () -> RawRuns.rowsPerSecond(tinyTaskShaped, (int) rawTinyRows))
              .add(
                  TINY_JOB,
                  tinyRows,
                  inCache(narrow),
                  () -> Jobs.predict(tiny.toString(), NARROW, narrow, output))
              .add(NO_MODEL, tinyRows, inCache(narrow), () -> Jobs.copy(spark, narrow, output))
              .add(
                  NO_MODEL_SAME_OUTPUT,
                  tinyRows,
                  inCache(narrow),
                  () -> Jobs.sparkAlone(spark, narrow, output, TINY_OUTPUTS))
              .add(
                  NO_MODEL_SPARK_PARQUET,
                  tinyRows,
                  inCache(narrow),
                  () -> Jobs.sparkAlone(spark, "parquet", narrow, output, TINY_OUTPUTS))
              .add(BATCHED, udfRows, () -> Jobs.drain(spark.sql(query("tiny", "narrow"))))
              .add(
                  PER_ROW,
                  udfRows,
                  () -> Jobs.drain(spark.sql("SELECT id, rowpredict(features) FROM narrow")));
      // over the sweep's rows: ten variants at the job's rows would take most of each round
      rawBest = new RawAtItsBest(cases, handle, WIDE, sweepRows);
      rounds = cases.run(repeats);
    }
    Map<String, Measurement> measured = rounds.rates();
    report.target(
        new Report.Ratio(
            "job / raw at its best (mlp_small; batch "
                + RawAtItsBest.SIZES[0]
                + "-"
                + RawAtItsBest.SIZES[RawAtItsBest.SIZES.length - 1]
                + ", both runner shapes)",
            measured.get(JOB).dividedBy(rawBest.best(measured)),
            0.90,
            ">="));
    report.target(ratio("job / raw (mlp_small)", measured, JOB, RAW, 0.90));
    report.target(ratio("SQL predict / raw (mlp_small)", measured, SQL, RAW, 0.90));
    report.target(ratio("tiny-model job / no-model copy", measured, TINY_JOB, NO_MODEL, 0.90));
    report.target(
        ratio(
            "tiny-model job / no-model job writing as much as it",
            measured,
            TINY_JOB,
            NO_MODEL_SAME_OUTPUT,
            0.90));
    report.target(
        ratio(
            "tiny-model job / no-model job writing as much, on Spark's own Parquet",
            measured,
            TINY_JOB,
            NO_MODEL_SPARK_PARQUET,
            0.90));
    report.target(
        ratio("batched SQL predict / per-row UDF (tiny_mlp)", measured, BATCHED, PER_ROW, 10));
    report.limit(limit(measured));
    Map<String, Measurement> cpu = new LinkedHashMap<>();
    cpu.put("job / raw (mlp_small)", perCpuSecond(rounds, JOB, RAW));
    cpu.put("SQL predict / raw (mlp_small)", perCpuSecond(rounds, SQL, RAW));
    cpu.put("tiny-model job / no-model copy", perCpuSecond(rounds, TINY_JOB, NO_MODEL));
    cpu.put(
        "tiny-model job / no-model job writing as much as it",
        perCpuSecond(rounds, TINY_JOB, NO_MODEL_SAME_OUTPUT));
    cpu.put(
        "tiny-model job / no-model job writing as much, on Spark's own Parquet",
        perCpuSecond(rounds, TINY_JOB, NO_MODEL_SPARK_PARQUET));
    report.cpuTime(cpu);
    report.cases(rounds);
    report.write();
    cachedWide.unpersist(true);
    cachedNarrow.unpersist(true);
  }

  /** The no-op job beside Spark alone, the scan alone and the mlp_small job (FeedRate). */
  private void feedRate() throws Exception {
    String wide = BenchData.parquet(spark, data, rows, WIDE);
    System.out.println("Feed rate:");
    SideBySide.Rounds rounds =
        FeedRate.measure(
            spark,
            wide,
            rows,
            folder.resolve("job-output").toString(),
            sideBySide(roundSeconds),
            repeats);
    int cores = spark.sparkContext().defaultParallelism();
    report.feedRate(
        rounds,
        FeedRate.perCore(rounds, cores),
        FeedRate.perCpuSecond(rounds),
        List.of(FeedRate.NOOP_JOB, FeedRate.NOOP_JOB_IN_PROCESS),
        FeedRate.TARGET_PER_CORE);
    // where the no-op job's time goes, since the model's share is next to nothing
    Path collapsed = folder.resolve("noop-profile.collapsed");
    BenchData.intoPageCache(wide);
    CpuProfile profile =
        CpuProfile.record(
            () -> FeedRate.noopJob(wide, folder.resolve("job-output").toString()), collapsed);
    report.profile("no-op job", profile, collapsed.getFileName().toString());
    report.write();
  }

  /**
   * SQL predict, raw and the mlp_small job alone, round after round: their ratios sit near their
   * targets, and the cases' few rounds of 40-s runs cannot tell where their medians lie; these
   * rounds bound them.
   */
  private void pairs() throws Exception {
    String wide = BenchData.parquet(spark, data, rows, WIDE);
    Dataset<Row> cachedWide = BenchData.cached(spark, "wide", sqlRows, WIDE);
    spark.conf().set("spark.torchbatch.model.mlp.batchSize", "4096");
    String output = folder.resolve("job-output").toString();
    long sqlPasses = sqlPasses();
    System.out.println("Pairs:");
    SideBySide.Rounds rounds;
    try (ModelHandle handle = ModelCache.shared().acquire(mlp, DeviceSpec.CPU)) {
      List<RawRuns.Feed> taskShaped = RawAtItsBest.taskShapedFeeds(handle, 4096, WIDE);
      rounds =
          sideBySide(0)
              .add(SQL, sqlPasses * sqlRows, () -> drainPasses(query("mlp", "wide"), sqlPasses))
              .add(RAW, rows, () -> RawRuns.rowsPerSecond(taskShaped, (int) rows))
              .add(JOB, rows, inCache(wide), () -> mlpJob(wide, output))
              .run(pairs);
    }
    Map<String, Measurement> ratios = new LinkedHashMap<>();
    ratios.put("job / raw (mlp_small)", perRound(rounds.rates(), JOB, RAW));
    ratios.put("job / raw, in rows per CPU-second", perCpuSecond(rounds, JOB, RAW));
    ratios.put("SQL predict / raw (mlp_small)", perRound(rounds.rates(), SQL, RAW));
    ratios.put("SQL predict / raw, in rows per CPU-second", perCpuSecond(rounds, SQL, RAW));
    report.pairs(
        "job / raw and SQL predict / raw (mlp_small) over " + pairs + " rounds",
        "SQL predict, raw and the job, once each a round, in an order drawn each round. The interval holds each ratio's median"
            + " with the probability shown, from the rounds' order alone (no assumption on the"
            + " noise's shape).",
        ratios,
        0.90,
        rounds);
    report.write();
    cachedWide.unpersist(true);
  }

  /**
   * The mlp_small job reading ahead (the default) and reading each row group's chunks whole before
   * decoding, as parquet-mr does: on input in the page cache, where reading costs only CPU, and on
   * storage whose streams are capped ({@link CappedStorage}), as a remote store's are; and the
   * features read alone both ways, where reading ahead has nothing to overlap.
   */
  private void storage() throws Exception {
    String local = BenchData.parquet(spark, data, storageRows, WIDE);
    String capped = "capped://" + Path.of(local).toAbsolutePath();
    var hadoop = spark.sparkContext().hadoopConfiguration();
    hadoop.set("fs.capped.impl", CappedStorage.class.getName());
    hadoop.setLong(CappedStorage.RATE, storageMbPerSecond << 20);
    String output = folder.resolve("job-output").toString();
    String mbps = storageMbPerSecond + " MB/s";
    String aheadCapped = "job, read ahead, storage capped at " + mbps + " a stream";
    String wholeCapped = "job, chunks read whole, storage capped at " + mbps + " a stream";
    String aheadLocal = "job, read ahead, input in the page cache";
    String wholeLocal = "job, chunks read whole, input in the page cache";
    String sparkCapped = "job, Spark's reader, storage capped at " + mbps + " a stream";
    String sparkLocal = "job, Spark's reader, input in the page cache";
    System.out.println("Storage:");
    SideBySide.Rounds rounds =
        sideBySide(roundSeconds)
            .add(aheadCapped, storageRows, inCache(local), () -> job(capped, output, null))
            .add(wholeCapped, storageRows, inCache(local), () -> job(capped, output, "0"))
            .add(aheadLocal, storageRows, inCache(local), () -> job(local, output, null))
            .add(wholeLocal, storageRows, inCache(local), () -> job(local, output, "0"))
            .add(sparkCapped, storageRows, inCache(local), () -> sparkReaderJob(capped, output))
            .add(sparkLocal, storageRows, inCache(local), () -> sparkReaderJob(local, output))
            .add(READ + ", read ahead", storageRows, inCache(local), () -> read(local, null))
            .add(READ + ", chunks read whole", storageRows, inCache(local), () -> read(local, "0"))
            .run(repeats);
    Map<String, Measurement> measured = rounds.rates();
    Map<String, Measurement> ratios = new LinkedHashMap<>();
    ratios.put(
        "read ahead / chunks read whole, storage capped at " + mbps + " a stream",
        perRound(measured, aheadCapped, wholeCapped));
    ratios.put(
        "read ahead / chunks read whole, input in the page cache",
        perRound(measured, aheadLocal, wholeLocal));
    ratios.put(
        "the same, reading the features alone (no model, no write)",
        perRound(measured, READ + ", read ahead", READ + ", chunks read whole"));
    ratios.put(
        "torchbatch-parquet / Spark's reader, storage capped at " + mbps + " a stream",
        perRound(measured, aheadCapped, sparkCapped));
    ratios.put(
        "torchbatch-parquet / Spark's reader, input in the page cache",
        perRound(measured, aheadLocal, sparkLocal));
    report.ratios(
        "Reading ahead, and torchbatch-parquet against Spark's reader: the job on capped storage"
            + " and on cached input (mlp_small, batch 4096)",
        "Capped storage: local files read through a Hadoop file system that lets each open stream"
            + " read at most "
            + mbps
            + " and spends no CPU waiting, as a remote store's streams do.",
        ratios,
        rounds);
    report.write();
  }

  /** The mlp_small job, with spark.torchbatch.parquet.readAhead at {@code readAhead} if set. */
  private void job(String input, String output, String readAhead) {
    withReadAhead(readAhead, () -> mlpJob(input, output));
  }

  /** The mlp_small job reading its input with Spark's Parquet reader. */
  private void sparkReaderJob(String input, String output) {
    Jobs.predict(
        mlp.toString(), WIDE, input, output, "--batch-size", "4096", "--parquet-reader", "spark");
  }

  /** The mlp_small job at batch 4096, as the targets compare it. */
  private void mlpJob(String input, String output) {
    Jobs.predict(mlp.toString(), WIDE, input, output, "--batch-size", "4096");
  }

  /** The features read alone, with spark.torchbatch.parquet.readAhead at {@code readAhead}. */
  private void read(String input, String readAhead) {
    withReadAhead(readAhead, () -> Jobs.scan(spark, TensorParquetFormat.Name(), input));
  }

  private void withReadAhead(String readAhead, Runnable body) {
    if (readAhead != null) {
      spark.conf().set(SplitOpener.READ_AHEAD, readAhead);
    }
    try {
      body.run();
    } finally {
      spark.conf().unset(SplitOpener.READ_AHEAD);
    }
  }

  /**
   * Raw, the job and its read + write alone on mlp_deep, mlp_small's layers with ~6x the work a row
   * on the same input: how job / raw moves when the model's share of the work grows.
   */
  private void heavier() throws Exception {
    String wide = BenchData.parquet(spark, data, heavierRows, WIDE);
    String output = folder.resolve("job-output").toString();
    Path deep = Fixtures.archive("mlp_deep");
    String raw = "graph-runtime raw, mlp_deep, batch 4096, 2 runners x 1 thread";
    String job = "job Parquet -> Parquet, mlp_deep, batch 4096";
    System.out.println("Heavier model:");
    SideBySide.Rounds rounds;
    try (ModelHandle handle = ModelCache.shared().acquire(deep, DeviceSpec.CPU)) {
      List<RawRuns.Feed> taskShaped = RawAtItsBest.taskShapedFeeds(handle, 4096, WIDE);
      rounds =
          sideBySide(roundSeconds)
              .add(raw, heavierRows, () -> RawRuns.rowsPerSecond(taskShaped, (int) heavierRows))
              .add(
                  job,
                  heavierRows,
                  inCache(wide),
                  () -> Jobs.predict(deep.toString(), WIDE, wide, output, "--batch-size", "4096"))
              .add(
                  SPARK_ALONE,
                  heavierRows,
                  inCache(wide),
                  () -> Jobs.sparkAlone(spark, wide, output, MLP_OUTPUTS))
              .run(repeats);
    }
    Map<String, Measurement> measured = rounds.rates();
    Map<String, Measurement> ratios = new LinkedHashMap<>();
    ratios.put("job / raw (mlp_deep)", perRound(measured, job, raw));
    ratios.put("the same in rows per CPU-second", perCpuSecond(rounds, job, raw));
    Reach reach =
        reach(measured.get(raw), measured.get(SPARK_ALONE), measured.get(job), measured.get(raw));
    ratios.put("job / raw if torchbatch cost nothing", reach.reachable());
    ratios.put("job / that limit", reach.reached());
    report.ratios(
        "A heavier model: mlp_deep (mlp_small's layers, ~6x the work a row, same input)",
        null,
        ratios,
        rounds);
    report.write();
  }

  /**
   * Raw, SQL predict on cached data and the job on mlp_small, and the tiny model's job, side by
   * side at each batch size, then SQL and both jobs with the default, auto.
   */
  private void batchSizes() throws Exception {
    Dataset<Row> cachedWide = BenchData.cached(spark, "wide", sweepRows, WIDE);
    String wide = BenchData.parquet(spark, data, sweepRows, WIDE);
    String narrow = BenchData.parquet(spark, data, tinyRows, NARROW);
    String output = folder.resolve("job-output").toString();
    Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
    String raw = "graph-runtime raw, 2 runners x 1 thread";
    String sql = "SQL predict, cached data";
    String job = "job Parquet -> Parquet, " + sweepRows + " rows";
    String tinyJob = "job Parquet -> Parquet, tiny_mlp, " + tinyRows + " rows";
    for (String name : List.of(raw, sql, job, tinyJob)) {
      series.put(name, new LinkedHashMap<>());
    }
    System.out.println("Batch sizes:");
    try (ModelHandle handle = ModelCache.shared().acquire(mlp, DeviceSpec.CPU)) {
      for (int batch : batchSizes) {
        List<RawRuns.Feed> taskShaped = RawAtItsBest.taskShapedFeeds(handle, batch, WIDE);
        String size = String.valueOf(batch);
        spark.conf().set("spark.torchbatch.model.mlp.batchSize", size);
        Map<String, Measurement> measured =
            sideBySide(roundSeconds)
                .add(raw, sweepRows, () -> RawRuns.rowsPerSecond(taskShaped, (int) sweepRows))
                .add(sql, sweepRows, () -> Jobs.drain(spark.sql(query("mlp", "wide"))))
                .add(
                    job,
                    sweepRows,
                    inCache(wide),
                    () -> Jobs.predict(mlp.toString(), WIDE, wide, output, "--batch-size", size))
                .add(
                    tinyJob,
                    tinyRows,
                    inCache(narrow),
                    () ->
                        Jobs.predict(tiny.toString(), NARROW, narrow, output, "--batch-size", size))
                .run(repeats)
                .rates();
        measured.forEach((name, m) -> series.get(name).put(batch, m.median()));
      }
    }
    // each model learns its own size in the warm-up, as an executor does on its first rows
    spark.conf().set("spark.torchbatch.model.mlp.batchSize", BatchSizer.AUTO);
    Map<String, Double> auto = new LinkedHashMap<>();
    sideBySide(roundSeconds)
        .add(sql, sweepRows, () -> Jobs.drain(spark.sql(query("mlp", "wide"))))
        .add(job, sweepRows, inCache(wide), () -> Jobs.predict(mlp.toString(), WIDE, wide, output))
        .add(
            tinyJob,
            tinyRows,
            inCache(narrow),
            () -> Jobs.predict(tiny.toString(), NARROW, narrow, output))
        .run(repeats)
        .rates()
        .forEach((name, m) -> auto.put(name, m.median()));
    spark.conf().unset("spark.torchbatch.model.mlp.batchSize");
    // the tiny job's rows/s would flatten the mlp_small lines: it is in the table only
    Map<String, Map<Integer, Double>> charted = new LinkedHashMap<>(series);
    charted.remove(tinyJob);
    Charts.throughputByBatch(folder.resolve("throughput-vs-batch.png"), charted);
    report.batchSizes(series, auto, "throughput-vs-batch.png");
    report.write();
    cachedWide.unpersist(true);
  }

  /** One more run of each job, split into read, convert, model and the rest. */
  private void phases() throws Exception {
    String wide = BenchData.parquet(spark, data, rows, WIDE);
    String narrow = BenchData.parquet(spark, data, tinyRows, NARROW);
    String output = folder.resolve("job-output").toString();
    System.out.println("Phases:");
    Dataset<Row> cachedWide = BenchData.cached(spark, "wide", sqlRows, WIDE);
    spark.conf().set("spark.torchbatch.model.mlp.batchSize", "4096");
    Map<String, PhaseSplit> phases = new LinkedHashMap<>();
    BenchData.intoPageCache(wide);
    phases.put(JOB, PhaseSplit.measure(spark, () -> mlpJob(wide, output)));
    // one query at a time, so that the time between queries counts as before their tasks
    PhaseSplit sql = null;
    for (long pass = 0; pass < sqlPasses(); pass++) {
      PhaseSplit one = PhaseSplit.measure(spark, () -> Jobs.drain(spark.sql(query("mlp", "wide"))));
      sql = sql == null ? one : sql.plus(one);
    }
    phases.put(SQL, sql);
    cachedWide.unpersist(true);
    BenchData.intoPageCache(narrow);
    phases.put(
        TINY_JOB,
        PhaseSplit.measure(spark, () -> Jobs.predict(tiny.toString(), NARROW, narrow, output)));
    phases.put(
        NO_MODEL_SAME_OUTPUT,
        PhaseSplit.measure(spark, () -> Jobs.sparkAlone(spark, narrow, output, TINY_OUTPUTS)));
    double rawRate;
    try (ModelHandle handle = ModelCache.shared().acquire(mlp, DeviceSpec.CPU)) {
      rawRate =
          RawRuns.rowsPerSecond(RawAtItsBest.taskShapedFeeds(handle, 4096, WIDE), (int) (rows / 4));
    }
    // a runner of raw spends 2 / rate seconds per row in forward; the tasks, model / rows
    Map<String, Double> modelPerRow = new LinkedHashMap<>();
    modelPerRow.put("the mlp_small job", phases.get(JOB).modelSeconds() / rows);
    modelPerRow.put(
        "SQL predict on cached mlp_small rows",
        phases.get(SQL).modelSeconds() / (sqlPasses() * sqlRows));
    Charts.phases(folder.resolve("phases.png"), phases);
    report.phases(phases, "phases.png");
    report.modelTimePerRow(modelPerRow, 2 / rawRate);
    report.write();
  }

  /** One more mlp_small job under async-profiler: CPU samples of every thread, grouped. */
  private void profile() throws Exception {
    String wide = BenchData.parquet(spark, data, rows, WIDE);
    String output = folder.resolve("job-output").toString();
    System.out.println("Profile:");
    Path collapsed = folder.resolve("profile.collapsed");
    BenchData.intoPageCache(wide);
    CpuProfile profile = CpuProfile.record(() -> mlpJob(wide, output), collapsed);
    report.profile("mlp_small job", profile, collapsed.getFileName().toString());
    report.write();
  }

  /** Case 7: resident memory over one query of {@code memoryRows} rows in 100 equal tasks. */
  private void memory() throws Exception {
    int tasks = 100;
    System.out.println("Memory:");
    BenchData.rows(spark, memoryRows, NARROW, tasks).createOrReplaceTempView("stream");
    long loadsBefore = ModelCache.shared().loads();
    List<MemoryTimeline.Sample> samples =
        MemoryTimeline.record(
            spark, memoryRows / tasks, () -> Jobs.drain(spark.sql(query("tiny", "stream"))));
    long loads = ModelCache.shared().loads() - loadsBefore;
    List<Long> marks = List.of(memoryRows / 10, memoryRows / 2, memoryRows);
    Charts.memory(folder.resolve("memory.png"), samples);
    report.memory(samples, marks, loads, "memory.png");
    double first = MemoryTimeline.at(samples, marks.get(0)).rssMb();
    double last = MemoryTimeline.at(samples, memoryRows).rssMb();
    report.target(
        new Report.Ratio(
            String.format("executor RSS growth from %,d to %,d rows", marks.get(0), memoryRows),
            new Measurement(new double[] {(last - first) / first}),
            0.05,
            "<"));
    report.write();
  }

  /** Cases side by side, in an order drawn afresh for every pass from the run's seed. */
  private SideBySide sideBySide(double seconds) {
    return new SideBySide(warmUp, seconds, new Random(seed));
  }

  /** The command that runs this report again: every option with the value it had. */
  private String command() {
    StringBuilder line = new StringBuilder("scripts/bench");
    for (OptionSpec option : spec.options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        Object value = option.getValue();
        String text =
            value instanceof Collection<?> values
                ? values.stream().map(String::valueOf).collect(Collectors.joining(","))
                : String.valueOf(value);
        line.append(' ').append(option.longestName()).append(' ').append(text);
      }
    }
    return line.toString();
  }

  private static Runnable inCache(String folder) {
    return () -> BenchData.intoPageCache(folder);
  }

  private void drainPasses(String sql, long passes) {
    for (long pass = 0; pass < passes; pass++) {
      Jobs.drain(spark.sql(sql));
    }
  }

  /** The cached table is read several times, so SQL runs about as long as raw and the job. */
  private long sqlPasses() {
    return Math.max(1, rows / sqlRows);
  }

  private static String query(String model, String view) {
    return "SELECT id, predict('" + model + "', features) FROM " + view;
  }

  /**
   * Where the job could get if torchbatch cost nothing: on a machine whose cores are all busy, the
   * model's work (raw) and Spark's own read + write (no model) add up, so the limit rate is {@code
   * 1 / (1 / raw + 1 / sparkAlone)}. Per round: that limit over raw, and the job over that limit;
   * for the tiny model, that limit over its no-model job on torchbatch's reader and writer.
   */
  private static Report.Limit limit(Map<String, Measurement> measured) {
    Reach reach =
        reach(measured.get(RAW), measured.get(SPARK_ALONE), measured.get(JOB), measured.get(RAW));
    Measurement noModel = measured.get(NO_MODEL_SAME_OUTPUT);
    Reach tinyReach = reach(measured.get(RAW_TINY), noModel, measured.get(TINY_JOB), noModel);
    return new Report.Limit(
        reach.reachable(),
        reach.reached(),
        tinyReach.reachable(),
        tinyReach.reached(),
        perRound(measured, JOB, JOB_SPARK_PARQUET),
        perRound(measured, READ, SPARK_READ),
        perRound(measured, RAW, RAW_SHARED));
  }

  /** Per round: the limit over {@code base} ({@code reachable}), and the job over the limit. */
  private static Reach reach(
      Measurement rawRates, Measurement aloneRates, Measurement jobRates, Measurement baseRates) {
    double[] raw = rawRates.rowsPerSecond();
    double[] alone = aloneRates.rowsPerSecond();
    double[] job = jobRates.rowsPerSecond();
    double[] base = baseRates.rowsPerSecond();
    double[] reachable = new double[raw.length];
    double[] reached = new double[raw.length];
    for (int r = 0; r < raw.length; r++) {
      double limit = 1 / (1 / raw[r] + 1 / alone[r]);
      reachable[r] = limit / base[r];
      reached[r] = job[r] / limit;
    }
    return new Reach(new Measurement(reachable), new Measurement(reached));
  }

  private record Reach(Measurement reachable, Measurement reached) {}

  private static Report.Ratio ratio(
      String name,
      Map<String, Measurement> measured,
      String numerator,
      String denominator,
      double target) {
    return new Report.Ratio(name, perRound(measured, numerator, denominator), target, ">=");
  }

  /** Round by round, {@code numerator}'s rows/s over {@code denominator}'s. */
  private static Measurement perRound(
      Map<String, Measurement> measured, String numerator, String denominator) {
    return measured.get(numerator).dividedBy(measured.get(denominator));
  }

  /** Round by round, {@code numerator}'s rows per CPU-second over {@code denominator}'s. */
  private static Measurement perCpuSecond(
      SideBySide.Rounds rounds, String numerator, String denominator) {
    return rounds.perCpuSecond(numerator).dividedBy(rounds.perCpuSecond(denominator));
  }

  private String setup() {
    return String.format(
        "%s; %s, %d cores; Java %s; Spark %s, local[2]. A warm-up in which each case runs for %s s,"
            + " then %d rounds in which each runs for %s s (every case at least once each time;"
            + " the pairs section's rounds run each of its cases once); each ratio is taken round"
            + " by round from cases run back to back, then its median and range. Before each run"
            + " of a case that reads Parquet, its input is read once, untimed, into the page cache,"
            + " which this VM drops for files left unread a while. The cases of each pass run in an"
            + " order drawn from the run's seed."
            + "%n%nCommand: `%s`%n",
        LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
        CpuInfo.current().describe(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        spark.version(),
        seconds(warmUp),
        repeats,
        seconds(roundSeconds),
        command());
  }

  /** 10 as "10", 0.5 as "0.5". */
  private static String seconds(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
