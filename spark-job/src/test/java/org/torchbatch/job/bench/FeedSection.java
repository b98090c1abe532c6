package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.WIDE;

import java.nio.file.Path;
import java.util.List;

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
    bench.report.feedRate(
        rounds,
        FeedRate.perCore(rounds, cores),
        FeedRate.perCpuSecond(rounds),
        List.of(FeedRate.NOOP_JOB, FeedRate.NOOP_JOB_IN_PROCESS),
        FeedRate.TARGET_PER_CORE);
    // where the no-op job's time goes, since the model's share is next to nothing
    Path collapsed = bench.folder.resolve("noop-profile.collapsed");
    BenchData.intoPageCache(wide);
    CpuProfile profile = CpuProfile.record(() -> FeedRate.noopJob(wide, bench.output()), collapsed);
    bench.report.profile("no-op job", profile, collapsed.getFileName().toString());
    bench.report.write();
  }
}
