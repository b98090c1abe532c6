package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.MLP_OUTPUTS;
import static org.torchbatch.job.bench.Bench.SPARK_ALONE;
import static org.torchbatch.job.bench.Bench.WIDE;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.bench.RawRuns;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.testing.Fixtures;

/**
 * Raw, the job and its read + write alone on mlp_deep, mlp_small's layers with ~6x the work a row
 * on the same input: how job / raw moves when the model's share of the work grows.
 */
final class HeavierSection {
  private final Bench bench;
  private final BenchOptions options;

  HeavierSection(Bench bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void run() throws Exception {
    String wide = bench.parquet(options.heavierRows, WIDE);
    String output = bench.output();
    Path deep = Fixtures.archive("mlp_deep");
    String raw = "graph-runtime raw, mlp_deep, batch 4096, 2 runners x 1 thread";
    String job = "job Parquet -> Parquet, mlp_deep, batch 4096";
    System.out.println("Heavier model:");
    SideBySide.Rounds rounds;
    try (ModelHandle handle = ModelCache.shared().acquire(deep, DeviceSpec.CPU)) {
      List<RawRuns.Feed> taskShaped = RawAtItsBest.taskShapedFeeds(handle, 4096, WIDE);
      rounds =
          bench
              .sideBySide(options.roundSeconds)
              .add(
                  raw,
                  options.heavierRows,
                  () -> RawRuns.rowsPerSecond(taskShaped, (int) options.heavierRows))
              .add(
                  job,
                  options.heavierRows,
                  Bench.inCache(wide),
                  () -> Jobs.predict(deep.toString(), WIDE, wide, output, "--batch-size", "4096"))
              .add(
                  SPARK_ALONE,
                  options.heavierRows,
                  Bench.inCache(wide),
                  () -> Jobs.sparkAlone(bench.spark, wide, output, MLP_OUTPUTS))
              .run(options.repeats);
    }
    Map<String, Measurement> measured = rounds.rates();
    Map<String, Measurement> ratios = new LinkedHashMap<>();
    ratios.put("job / raw (mlp_deep)", Ratios.perRound(measured, job, raw));
    ratios.put("the same in rows per CPU-second", Ratios.perCpuSecond(rounds, job, raw));
    Ratios.Reach reach =
        Ratios.reach(
            measured.get(raw), measured.get(SPARK_ALONE), measured.get(job), measured.get(raw));
    ratios.put("job / raw if torchbatch cost nothing", reach.reachable());
    ratios.put("job / that limit", reach.reached());
    bench.report.ratios(
        "A heavier model: mlp_deep (mlp_small's layers, ~6x the work a row, same input)",
        null,
        ratios,
        rounds);
    bench.report.write();
  }
}
