package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.JOB;
import static org.torchbatch.job.bench.Bench.RAW;
import static org.torchbatch.job.bench.Bench.SQL;
import static org.torchbatch.job.bench.Bench.WIDE;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;

/**
 * SQL predict, raw and the mlp_small job alone, round after round: their ratios sit near their
 * targets, and the cases' few rounds of 40-s runs cannot tell where their medians lie; these rounds
 * bound them.
 */
final class PairsSection {
  private final Bench bench;
  private final BenchOptions options;

  PairsSection(Bench bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void run() throws Exception {
    String wide = bench.parquet(options.rows, WIDE);
    Dataset<Row> cachedWide = BenchData.cached(bench.spark, "wide", options.sqlRows, WIDE);
    bench.spark.conf().set("spark.torchbatch.model.mlp.batchSize", "4096");
    String output = bench.output();
    long sqlPasses = bench.sqlPasses();
    System.out.println("Pairs:");
    SideBySide.Rounds rounds;
    try (ModelHandle handle = ModelCache.shared().acquire(bench.mlp, DeviceSpec.CPU)) {
      List<RawRuns.Feed> taskShaped = RawAtItsBest.taskShapedFeeds(handle, 4096, WIDE);
      rounds =
          bench
              .sideBySide(0)
              .add(
                  SQL,
                  sqlPasses * options.sqlRows,
                  () -> bench.drainPasses(Bench.query("mlp", "wide"), sqlPasses))
              .add(RAW, options.rows, () -> RawRuns.rowsPerSecond(taskShaped, (int) options.rows))
              .add(JOB, options.rows, Bench.inCache(wide), () -> bench.mlpJob(wide, output))
              .run(options.pairs);
    }
    Map<String, Measurement> ratios = new LinkedHashMap<>();
    ratios.put("job / raw (mlp_small)", Ratios.perRound(rounds.rates(), JOB, RAW));
    ratios.put("job / raw, in rows per CPU-second", Ratios.perCpuSecond(rounds, JOB, RAW));
    ratios.put("SQL predict / raw (mlp_small)", Ratios.perRound(rounds.rates(), SQL, RAW));
    ratios.put("SQL predict / raw, in rows per CPU-second", Ratios.perCpuSecond(rounds, SQL, RAW));
    writePairs(
        bench.report,
        "job / raw and SQL predict / raw (mlp_small) over " + options.pairs + " rounds",
        "SQL predict, raw and the job, once each a round, in an order drawn each round. The interval holds each ratio's median"
            + " with the probability shown, from the rounds' order alone (no assumption on the"
            + " noise's shape).",
        ratios,
        0.90,
        rounds);
    bench.report.write();
    cachedWide.unpersist(true);
  }

  /**
   * Ratios over many rounds: each median with the interval that holds it at 95% (or the widest,
   * with its own probability), and how many rounds reached {@code target}.
   */
  private static void writePairs(
      Report report,
      String title,
      String paragraph,
      Map<String, Measurement> ratios,
      double target,
      SideBySide.Rounds cases) {
    report.section(title);
    report.line(paragraph);
    report.line("");
    report.line(
        "| ratio | median | interval of the median | min-max | rounds >= "
            + Report.number(target)
            + " |");
    report.line("|---|---|---|---|---|");
    ratios.forEach(
        (name, values) -> {
          MedianInterval interval = MedianInterval.of(values, 0.95);
          double[] rounds = values.rowsPerSecond();
          report.line(
              String.format(
                  "| %s | %s | %s-%s (%.1f%%) | %s-%s | %d of %d |",
                  name,
                  Report.number(values.median()),
                  Report.number(interval.low()),
                  Report.number(interval.high()),
                  100 * interval.coverage(),
                  Report.number(values.min()),
                  Report.number(values.max()),
                  Arrays.stream(rounds).filter(ratio -> ratio >= target).count(),
                  rounds.length));
        });
    report.line("");
    report.caseTable(cases);
  }
}
