package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.JOB;
import static org.torchbatch.job.bench.Bench.NARROW;
import static org.torchbatch.job.bench.Bench.NO_MODEL_SAME_OUTPUT;
import static org.torchbatch.job.bench.Bench.SQL;
import static org.torchbatch.job.bench.Bench.TINY_JOB;
import static org.torchbatch.job.bench.Bench.TINY_OUTPUTS;
import static org.torchbatch.job.bench.Bench.WIDE;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;

/** Where the time goes: the jobs split into phases, and a CPU profile. */
final class PhasesSection {
  private final Bench bench;
  private final BenchOptions options;

  PhasesSection(Bench bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  /** One more run of each job, split into read, convert, model and the rest. */
  void phases() throws Exception {
    String wide = bench.parquet(options.rows, WIDE);
    String narrow = bench.parquet(options.tinyRows, NARROW);
    String output = bench.output();
    System.out.println("Phases:");
    Dataset<Row> cachedWide = BenchData.cached(bench.spark, "wide", options.sqlRows, WIDE);
    bench.spark.conf().set("spark.torchbatch.model.mlp.batchSize", "4096");
    Map<String, PhaseSplit> phases = new LinkedHashMap<>();
    BenchData.intoPageCache(wide);
    phases.put(JOB, PhaseSplit.measure(bench.spark, () -> bench.mlpJob(wide, output)));
    // one query at a time, so that the time between queries counts as before their tasks
    PhaseSplit sql = null;
    for (long pass = 0; pass < bench.sqlPasses(); pass++) {
      PhaseSplit one =
          PhaseSplit.measure(
              bench.spark, () -> Jobs.drain(bench.spark.sql(Bench.query("mlp", "wide"))));
      sql = sql == null ? one : sql.plus(one);
    }
    phases.put(SQL, sql);
    cachedWide.unpersist(true);
    BenchData.intoPageCache(narrow);
    phases.put(
        TINY_JOB,
        PhaseSplit.measure(
            bench.spark, () -> Jobs.predict(bench.tiny.toString(), NARROW, narrow, output)));
    phases.put(
        NO_MODEL_SAME_OUTPUT,
        PhaseSplit.measure(
            bench.spark, () -> Jobs.sparkAlone(bench.spark, narrow, output, TINY_OUTPUTS)));
    double rawRate;
    try (ModelHandle handle = ModelCache.shared().acquire(bench.mlp, DeviceSpec.CPU)) {
      rawRate =
          RawRuns.rowsPerSecond(
              RawAtItsBest.taskShapedFeeds(handle, 4096, WIDE), (int) (options.rows / 4));
    }
    // a runner of raw spends 2 / rate seconds per row in forward; the tasks, model / rows
    Map<String, Double> modelPerRow = new LinkedHashMap<>();
    modelPerRow.put("the mlp_small job", phases.get(JOB).modelSeconds() / options.rows);
    modelPerRow.put(
        "SQL predict on cached mlp_small rows",
        phases.get(SQL).modelSeconds() / (bench.sqlPasses() * options.sqlRows));
    Charts.phases(bench.folder.resolve("phases.png"), phases);
    writePhases(bench.report, phases, "phases.png");
    writeModelTimePerRow(bench.report, modelPerRow, 2 / rawRate);
    bench.report.write();
  }

  /** One more mlp_small job under async-profiler: CPU samples of every thread, grouped. */
  void profile() throws Exception {
    String wide = bench.parquet(options.rows, WIDE);
    String output = bench.output();
    System.out.println("Profile:");
    Path collapsed = bench.folder.resolve("profile.collapsed");
    BenchData.intoPageCache(wide);
    CpuProfile profile = CpuProfile.record(() -> bench.mlpJob(wide, output), collapsed);
    profile.addTo(bench.report, "mlp_small job", collapsed.getFileName().toString());
    bench.report.write();
  }

  private static void writePhases(Report report, Map<String, PhaseSplit> jobs, String chart) {
    report.section(
        "Where the time goes (one more run of each case; seconds of task time on both cores)");
    report.line("| case | " + String.join(" | ", PhaseSplit.PHASES) + " | task time | wall |");
    report.line("|---" + "|---".repeat(PhaseSplit.PHASES.length + 2) + "|");
    jobs.forEach(
        (job, split) -> {
          StringBuilder row = new StringBuilder("| " + job + " |");
          for (double seconds : split.phases()) {
            double share = 100 * seconds / Math.max(split.taskSeconds(), 1e-9);
            row.append(String.format(" %.1f (%.0f%%) |", seconds, share));
          }
          row.append(String.format(" %.1f | %.1f |", split.taskSeconds(), split.wallSeconds()));
          report.line(row.toString());
        });
    report.image(chart);
    report.line("");
    report.line("Core-seconds with no task running, out of cores x wall:");
    report.line("");
    report.line("| case | " + String.join(" | ", PhaseSplit.IDLE) + " | cores x wall |");
    report.line("|---" + "|---".repeat(PhaseSplit.IDLE.length + 1) + "|");
    jobs.forEach(
        (job, split) -> {
          StringBuilder row = new StringBuilder("| " + job + " |");
          double capacity = split.wallSeconds() * split.cores();
          for (double seconds : split.idleCoreSeconds()) {
            row.append(String.format(" %.1f (%.1f%%) |", seconds, 100 * seconds / capacity));
          }
          report.line(row.append(String.format(" %.1f |", capacity)).toString());
        });
  }

  /** Whether the model itself runs slower inside Spark's tasks than alone (caches, memory). */
  private static void writeModelTimePerRow(
      Report report, Map<String, Double> taskSeconds, double rawSeconds) {
    report.line("");
    report.line(
        String.format(
            "Time in the model's forward per row and task thread, against %.2f us in raw"
                + " (2 runners x 1 thread, run right after):",
            rawSeconds * 1e6));
    report.line("");
    taskSeconds.forEach(
        (where, seconds) ->
            report.line(
                String.format(
                    "- %s: %.2f us, / raw %.3f", where, seconds * 1e6, seconds / rawSeconds)));
  }
}
