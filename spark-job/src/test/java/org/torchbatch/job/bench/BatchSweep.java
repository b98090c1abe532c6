package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.NARROW;
import static org.torchbatch.job.bench.Bench.WIDE;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.spark.Learned;

/**
 * Throughput against batch size, and {@code auto} against the best fixed size: for each of SQL
 * predict on cached data, the mlp_small job and the tiny model's job, every fixed size and {@code
 * auto} side by side in one run, their order drawn afresh each pass. Each run of {@code auto}
 * starts with nothing learned, as a new application does, so its rows/s pays for its search. Raw
 * mlp_small at each size (two runners of one thread) is measured the same way, for the chart.
 */
final class BatchSweep {
  private static final String AUTO = "auto";
  private static final String MLP_SIZE = "spark.torchbatch.model.mlp.batchSize";

  private final Bench bench;
  private final BenchOptions options;
  // per case, the size each run of auto settled on
  private final Map<String, List<Integer>> settled = new LinkedHashMap<>();

  BatchSweep(Bench bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void run() throws Exception {
    Dataset<Row> cachedWide = BenchData.cached(bench.spark, "wide", options.sweepRows, WIDE);
    String wide = bench.parquet(options.sweepRows, WIDE);
    String narrow = bench.parquet(options.tinyRows, NARROW);
    String output = bench.output();
    String raw = "graph-runtime raw, 2 runners x 1 thread";
    String sql = "SQL predict, cached data";
    String job = "job Parquet -> Parquet, " + options.sweepRows + " rows";
    String tinyJob = "job Parquet -> Parquet, tiny_mlp, " + options.tinyRows + " rows";
    Map<String, SideBySide.Rounds> measured = new LinkedHashMap<>();
    System.out.println("Batch sizes, raw:");
    measured.put(raw, raw());
    System.out.println("Batch sizes, " + sql + ":");
    measured.put(
        sql,
        sweep(
            sql,
            options.sweepRows,
            size -> bench.spark.conf().set(MLP_SIZE, size),
            size -> Jobs.drain(bench.spark.sql(Bench.query("mlp", "wide")))));
    bench.spark.conf().unset(MLP_SIZE);
    System.out.println("Batch sizes, " + job + ":");
    measured.put(
        job,
        sweep(
            job,
            options.sweepRows,
            size -> BenchData.intoPageCache(wide),
            size -> Jobs.predict(bench.mlp.toString(), WIDE, wide, output, batchSize(size))));
    System.out.println("Batch sizes, " + tinyJob + ":");
    measured.put(
        tinyJob,
        sweep(
            tinyJob,
            options.tinyRows,
            size -> BenchData.intoPageCache(narrow),
            size -> Jobs.predict(bench.tiny.toString(), NARROW, narrow, output, batchSize(size))));
    cachedWide.unpersist(true);
    Map<String, Map<Integer, Double>> series = new LinkedHashMap<>();
    Map<String, Double> auto = new LinkedHashMap<>();
    measured.forEach(
        (name, rounds) -> {
          Map<Integer, Double> bySize = new LinkedHashMap<>();
          for (int size : options.batchSizes) {
            bySize.put(size, rounds.rates().get(String.valueOf(size)).median());
          }
          series.put(name, bySize);
          if (rounds.rates().containsKey(AUTO)) {
            auto.put(name, rounds.rates().get(AUTO).median());
            bench.report.target(
                new Report.Ratio(
                    "auto / the best fixed size, learning counted (" + name + ")",
                    rounds
                        .rates()
                        .get(AUTO)
                        .dividedBy(Ratios.fastest(rounds.rates(), fixedSizes())),
                    0.95,
                    ">="));
          }
        });
    // the tiny job's rows/s would flatten the mlp_small lines: it is in the table only
    Map<String, Map<Integer, Double>> charted = new LinkedHashMap<>(series);
    charted.remove(tinyJob);
    Charts.throughputByBatch(bench.folder.resolve("throughput-vs-batch.png"), charted);
    writeTable(bench.report, series, auto, "throughput-vs-batch.png");
    AutoSearchCost.write(bench.report, settled, series, auto);
    bench.report.write();
  }

  /** Raw mlp_small at every size, two runners of one thread each. */
  private SideBySide.Rounds raw() {
    try (ModelHandle handle = ModelCache.shared().acquire(bench.mlp, DeviceSpec.CPU)) {
      SideBySide sizes = bench.sideBySide(options.roundSeconds);
      int rows = (int) options.sweepRows;
      for (int size : options.batchSizes) {
        List<RawRuns.Feed> taskShaped = RawAtItsBest.taskShapedFeeds(handle, size, WIDE);
        sizes.add(String.valueOf(size), rows, () -> RawRuns.rowsPerSecond(taskShaped, rows));
      }
      return sizes.run(options.repeats);
    }
  }

  /**
   * One case at every fixed size and at auto, side by side: {@code before} (untimed) gets the size
   * ahead of each run, and auto's also forgets what earlier runs learned; the size each run of auto
   * settled on is kept.
   */
  private SideBySide.Rounds sweep(
      String name, long rows, Consumer<String> before, Consumer<String> body) {
    SideBySide sizes = bench.sideBySide(options.roundSeconds);
    for (int size : options.batchSizes) {
      String fixed = String.valueOf(size);
      sizes.add(fixed, rows, () -> before.accept(fixed), () -> body.accept(fixed));
    }
    List<Integer> settledOn = settled.computeIfAbsent(name, key -> new ArrayList<>());
    sizes.add(
        AUTO,
        rows,
        () -> {
          Learned.forget();
          before.accept(BatchSizer.AUTO);
        },
        () -> {
          body.accept(BatchSizer.AUTO);
          settledOn.addAll(Learned.settledBatchSizes().values());
        });
    return sizes.run(options.repeats);
  }

  private List<String> fixedSizes() {
    return options.batchSizes.stream().map(String::valueOf).toList();
  }

  private static String[] batchSize(String size) {
    return new String[] {"--batch-size", size};
  }

  /** Rows/s by fixed batch size, then a row for {@code auto} (cases without one show "-"). */
  private static void writeTable(
      Report report,
      Map<String, Map<Integer, Double>> series,
      Map<String, Double> auto,
      String chart) {
    report.section("Throughput vs batch size (rows/s, median)");
    report.line(
        "Each case at every size and at auto side by side, in an order drawn each pass; each run of"
            + " auto starts with nothing learned, so it pays for its search.");
    report.line("");
    List<String> names = List.copyOf(series.keySet());
    report.line("| batch | " + String.join(" | ", names) + " |");
    report.line("|---" + "|---".repeat(names.size()) + "|");
    for (Integer batch : series.get(names.get(0)).keySet()) {
      StringBuilder row = new StringBuilder("| " + batch + " |");
      for (String name : names) {
        row.append(String.format(" %,.0f |", series.get(name).get(batch)));
      }
      report.line(row.toString());
    }
    StringBuilder row = new StringBuilder("| auto (the default) |");
    for (String name : names) {
      row.append(auto.containsKey(name) ? String.format(" %,.0f |", auto.get(name)) : " - |");
    }
    report.line(row.toString());
    report.image(chart);
  }
}
