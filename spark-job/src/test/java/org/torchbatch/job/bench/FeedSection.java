package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.WIDE;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.torchbatch.runtime.bench.Measurement;

/** The no-op job beside Spark alone, the scan alone and the mlp_small job (FeedRate). */
final class FeedSection {
  private final Bench bench;
  private final BenchOptions options;

  FeedSection(Bench bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void run() throws Exception {
    String wide = bench.parquet(options.rows, WIDE);
    System.out.println("Feed rate:");
    SideBySide.Rounds rounds =
        FeedRate.measure(
            bench.spark,
            wide,
            options.rows,
            bench.output(),
            bench.sideBySide(options.roundSeconds),
            options.repeats);
    int cores = bench.spark.sparkContext().defaultParallelism();
    writeFeedRate(
        bench.report,
        rounds,
        FeedRate.perCore(rounds, cores),
        FeedRate.perCpuSecond(rounds),
        List.of(FeedRate.NOOP_JOB, FeedRate.NOOP_JOB_IN_PROCESS),
        FeedRate.TARGET_PER_CORE);
    // where the no-op job's time goes, since the model's share is next to nothing
    Path collapsed = bench.folder.resolve("noop-profile.collapsed");
    BenchData.intoPageCache(wide);
    CpuProfile profile = CpuProfile.record(() -> FeedRate.noopJob(wide, bench.output()), collapsed);
    profile.addTo(bench.report, "no-op job", collapsed.getFileName().toString());
    bench.report.write();
  }

  /**
   * The feed rate's cases: rows/s, rows/s a core and rows per CPU-second (medians), and how far
   * each of the {@code judged} cases' rows/s a core is from {@code target}.
   */
  private static void writeFeedRate(
      Report report,
      SideBySide.Rounds rounds,
      Map<String, Measurement> perCore,
      Map<String, Measurement> perCpuSecond,
      List<String> judged,
      double target) {
    report.section("Feed rate: the job over a model that costs almost nothing (batch 4096)");
    for (String name : judged) {
      Measurement reached = perCore.get(name);
      report.line(
          String.format(
              "- %s: %,.0f rows/s a core (median; %,.0f-%,.0f), target %,.0f: %s (%.2f of it).",
              name,
              reached.median(),
              reached.min(),
              reached.max(),
              target,
              reached.median() >= target ? "met" : "missed",
              reached.median() / target));
    }
    report.line("");
    report.line("| case | rows/s | rows/s a core | rows per CPU-second | cores busy (JVM) |");
    report.line("|---|---|---|---|---|");
    rounds
        .rates()
        .forEach(
            (name, rates) ->
                report.line(
                    String.format(
                        "| %s | %,.0f | %,.0f | %,.0f | %.2f |",
                        name,
                        rates.median(),
                        perCore.get(name).median(),
                        perCpuSecond.get(name).median(),
                        rounds.coresBusy().get(name).median())));
    report.line("");
  }
}
