package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.NARROW;

import java.util.List;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.engine.ModelCache;

/** Case 7: resident memory over one query of {@code memoryRows} rows in 100 equal tasks. */
final class MemorySection {
  private final Bench bench;
  private final BenchOptions options;

  MemorySection(Bench bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void run() throws Exception {
    int tasks = 100;
    System.out.println("Memory:");
    BenchData.rows(bench.spark, options.memoryRows, NARROW, tasks)
        .createOrReplaceTempView("stream");
    long loadsBefore = ModelCache.shared().loads();
    List<MemoryTimeline.Sample> samples =
        MemoryTimeline.record(
            bench.spark,
            options.memoryRows / tasks,
            () -> Jobs.drain(bench.spark.sql(Bench.query("tiny", "stream"))));
    long loads = ModelCache.shared().loads() - loadsBefore;
    List<Long> marks = List.of(options.memoryRows / 10, options.memoryRows / 2, options.memoryRows);
    Charts.memory(bench.folder.resolve("memory.png"), samples);
    writeMemory(bench.report, samples, marks, loads, "memory.png");
    double first = MemoryTimeline.at(samples, marks.get(0)).rssMb();
    double last = MemoryTimeline.at(samples, options.memoryRows).rssMb();
    bench.report.target(
        new Report.Ratio(
            String.format(
                "executor RSS growth from %,d to %,d rows", marks.get(0), options.memoryRows),
            new Measurement(new double[] {(last - first) / first}),
            0.05,
            "<"));
    bench.report.write();
  }

  private static void writeMemory(
      Report report,
      List<MemoryTimeline.Sample> samples,
      List<Long> marks,
      long loads,
      String chart) {
    report.section("Executor memory over one long query (SQL predict, tiny_mlp)");
    report.line(
        "Model loads during the query: " + loads + " (the model stays loaded between tasks).");
    report.line("");
    report.line("| rows processed | resident set size (MB) | heap in use (MB) |");
    report.line("|---|---|---|");
    for (long mark : marks) {
      MemoryTimeline.Sample sample = MemoryTimeline.at(samples, mark);
      report.line(
          String.format("| %,d | %,.0f | %,.0f |", sample.rows(), sample.rssMb(), sample.heapMb()));
    }
    report.image(chart);
  }
}
