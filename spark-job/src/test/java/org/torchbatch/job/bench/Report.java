package org.torchbatch.job.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.torchbatch.bridge.bench.ConversionBenchmark;
import org.torchbatch.runtime.bench.Measurement;

/** The suite's Markdown report: the targets first, then one section per kind of figure. */
final class Report {
  /** A ratio of two cases, taken round by round so both sides saw the same machine. */
  record Ratio(String name, Measurement values, double target, String comparison) {
    boolean met() {
      return comparison.equals(">=") ? values.median() >= target : values.median() < target;
    }
  }

  /**
   * How far the mlp_small and tiny jobs can get with Spark's read + write in them, and how much of
   * that they reach.
   */
  record Limit(
      Measurement reachable,
      Measurement reached,
      Measurement tinyReachable,
      Measurement tinyReached,
      Measurement parquetGain,
      Measurement readSpeedup,
      Measurement rawShapes) {}

  private final Path file;
  private final String head;
  private final List<Ratio> targets = new ArrayList<>();
  private Limit limit;
  private Map<String, Measurement> cpuTime = Map.of();
  private final StringBuilder text = new StringBuilder();

  Report(Path file, String title, String setup) {
    this.file = file;
    this.head = "# " + title + "\n\n" + setup + "\n";
  }

  /** A ratio judged against its target; all of them head the report. */
  void target(Ratio ratio) {
    targets.add(ratio);
  }

  /** The job's distance to its limit; printed under the targets. */
  void limit(Limit limit) {
    this.limit = limit;
  }

  /** The targets' ratios in rows per CPU-second of the JVM; printed under the limits. */
  void cpuTime(Map<String, Measurement> ratios) {
    this.cpuTime = ratios;
  }

  void cases(SideBySide.Rounds rounds) {
    section("Cases (rows/s, median and min-max of the rounds)");
    caseTable(rounds);
  }

  private void caseTable(SideBySide.Rounds rounds) {
    line("| case | rows per run | rows/s | min-max | cores busy (JVM) |");
    line("|---|---|---|---|---|");
    rounds
        .rates()
        .forEach(
            (name, m) -> {
              Measurement cores = rounds.coresBusy().get(name);
              line(
                  String.format(
                      "| %s | %,d | %,.0f | %,.0f-%,.0f | %.2f (%.2f-%.2f) |",
                      name,
                      rounds.rows().get(name),
                      m.median(),
                      m.min(),
                      m.max(),
                      cores.median(),
                      cores.min(),
                      cores.max()));
            });
  }

  /**
   * The feed rate's cases: rows/s, rows/s a core and rows per CPU-second (medians), and how far
   * each of the {@code judged} cases' rows/s a core is from {@code target}.
   */
  void feedRate(
      SideBySide.Rounds rounds,
      Map<String, Measurement> perCore,
      Map<String, Measurement> perCpuSecond,
      List<String> judged,
      double target) {
    section("Feed rate: the job over a model that costs almost nothing (batch 4096)");
    for (String name : judged) {
      Measurement reached = perCore.get(name);
      line(
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
    line("");
    line("| case | rows/s | rows/s a core | rows per CPU-second | cores busy (JVM) |");
    line("|---|---|---|---|---|");
    rounds
        .rates()
        .forEach(
            (name, rates) ->
                line(
                    String.format(
                        "| %s | %,.0f | %,.0f | %,.0f | %.2f |",
                        name,
                        rates.median(),
                        perCore.get(name).median(),
                        perCpuSecond.get(name).median(),
                        rounds.coresBusy().get(name).median())));
    line("");
  }

  /** Rows/s by fixed batch size, then a row for {@code auto} (cases without one show "-"). */
  void batchSizes(
      Map<String, Map<Integer, Double>> series, Map<String, Double> auto, String chart) {
    section("Throughput vs batch size (rows/s, median)");
    line(
        "Each case at every size and at auto side by side, in an order drawn each pass; each run of"
            + " auto starts with nothing learned, so it pays for its search.");
    line("");
    List<String> names = List.copyOf(series.keySet());
    line("| batch | " + String.join(" | ", names) + " |");
    line("|---" + "|---".repeat(names.size()) + "|");
    for (Integer batch : series.get(names.get(0)).keySet()) {
      StringBuilder row = new StringBuilder("| " + batch + " |");
      for (String name : names) {
        row.append(String.format(" %,.0f |", series.get(name).get(batch)));
      }
      line(row.toString());
    }
    StringBuilder row = new StringBuilder("| auto (the default) |");
    for (String name : names) {
      row.append(auto.containsKey(name) ? String.format(" %,.0f |", auto.get(name)) : " - |");
    }
    line(row.toString());
    image(chart);
  }

  void phases(Map<String, PhaseSplit> jobs, String chart) {
    section("Where the time goes (one more run of each case; seconds of task time on both cores)");
    line("| case | " + String.join(" | ", PhaseSplit.PHASES) + " | task time | wall |");
    line("|---" + "|---".repeat(PhaseSplit.PHASES.length + 2) + "|");
    jobs.forEach(
        (job, split) -> {
          StringBuilder row = new StringBuilder("| " + job + " |");
          for (double seconds : split.phases()) {
            double share = 100 * seconds / Math.max(split.taskSeconds(), 1e-9);
            row.append(String.format(" %.1f (%.0f%%) |", seconds, share));
          }
          row.append(String.format(" %.1f | %.1f |", split.taskSeconds(), split.wallSeconds()));
          line(row.toString());
        });
    image(chart);
    line("");
    line("Core-seconds with no task running, out of cores x wall:");
    line("");
    line("| case | " + String.join(" | ", PhaseSplit.IDLE) + " | cores x wall |");
    line("|---" + "|---".repeat(PhaseSplit.IDLE.length + 1) + "|");
    jobs.forEach(
        (job, split) -> {
          StringBuilder row = new StringBuilder("| " + job + " |");
          double capacity = split.wallSeconds() * split.cores();
          for (double seconds : split.idleCoreSeconds()) {
            row.append(String.format(" %.1f (%.1f%%) |", seconds, 100 * seconds / capacity));
          }
          line(row.append(String.format(" %.1f |", capacity)).toString());
        });
  }

  /** Whether the model itself runs slower inside Spark's tasks than alone (caches, memory). */
  void modelTimePerRow(Map<String, Double> taskSeconds, double rawSeconds) {
    line("");
    line(
        String.format(
            "Time in the model's forward per row and task thread, against %.2f us in raw"
                + " (2 runners x 1 thread, run right after):",
            rawSeconds * 1e6));
    line("");
    taskSeconds.forEach(
        (where, seconds) ->
            line(
                String.format(
                    "- %s: %.2f us, / raw %.3f", where, seconds * 1e6, seconds / rawSeconds)));
  }

  /** A section of ratios (and a paragraph, unless null) over the cases they divide. */
  void ratios(
      String title, String paragraph, Map<String, Measurement> ratios, SideBySide.Rounds cases) {
    section(title);
    if (paragraph != null) {
      line(paragraph);
      line("");
    }
    line("| ratio | median | min-max |");
    line("|---|---|---|");
    ratios.forEach((name, values) -> text.append(row(name, values)));
    line("");
    caseTable(cases);
  }

  /**
   * Ratios over many rounds: each median with the interval that holds it at 95% (or the widest,
   * with its own probability), and how many rounds reached {@code target}.
   */
  void pairs(
      String title,
      String paragraph,
      Map<String, Measurement> ratios,
      double target,
      SideBySide.Rounds cases) {
    section(title);
    line(paragraph);
    line("");
    line(
        "| ratio | median | interval of the median | min-max | rounds >= " + number(target) + " |");
    line("|---|---|---|---|---|");
    ratios.forEach(
        (name, values) -> {
          MedianInterval interval = MedianInterval.of(values, 0.95);
          double[] rounds = values.rowsPerSecond();
          line(
              String.format(
                  "| %s | %s | %s-%s (%.1f%%) | %s-%s | %d of %d |",
                  name,
                  number(values.median()),
                  number(interval.low()),
                  number(interval.high()),
                  100 * interval.coverage(),
                  number(values.min()),
                  number(values.max()),
                  Arrays.stream(rounds).filter(ratio -> ratio >= target).count(),
                  rounds.length));
        });
    line("");
    caseTable(cases);
  }

  void profile(String job, CpuProfile profile, String collapsed) {
    section("CPU profile of one " + job + " (async-profiler, every thread)");
    line(
        "Each sample goes to the group of its deepest frame that names one. Raw stacks: "
            + collapsed
            + " (collapsed format, for any flame graph tool).");
    line("");
    line("| where | share of CPU samples | CPU seconds |");
    line("|---|---|---|");
    profile
        .samples()
        .forEach(
            (group, count) ->
                line(
                    String.format(
                        "| %s | %.1f%% | %.1f |",
                        group,
                        100.0 * count / Math.max(profile.total(), 1),
                        count * profile.intervalSeconds())));
  }

  void conversions(List<ConversionBenchmark.Result> results) {
    section("arrow-bridge conversions (GB/s of tensor data, 4096 rows a batch)");
    line("| conversion | path | GB/s | min-max |");
    line("|---|---|---|---|");
    for (ConversionBenchmark.Result result : results) {
      Measurement gb = result.gigabytesPerSecond();
      line(
          String.format(
              "| %s | %s | %.2f | %.2f-%.2f |",
              result.label(), result.path(), gb.median(), gb.min(), gb.max()));
    }
  }

  void memory(List<MemoryTimeline.Sample> samples, List<Long> marks, long loads, String chart) {
    section("Executor memory over one long query (SQL predict, tiny_mlp)");
    line("Model loads during the query: " + loads + " (the model stays loaded between tasks).");
    line("");
    line("| rows processed | resident set size (MB) | heap in use (MB) |");
    line("|---|---|---|");
    for (long mark : marks) {
      MemoryTimeline.Sample sample = MemoryTimeline.at(samples, mark);
      line(
          String.format("| %,d | %,.0f | %,.0f |", sample.rows(), sample.rssMb(), sample.heapMb()));
    }
    image(chart);
  }

  void write() throws IOException {
    StringBuilder all = new StringBuilder(head);
    if (!targets.isEmpty()) {
      all.append("\n## Targets: ratios of cases measured side by side in this run\n\n");
      all.append("| ratio | median | min-max | target | met |\n|---|---|---|---|---|\n");
    }
    for (Ratio ratio : targets) {
      all.append(
          String.format(
              "| %s | %s | %s-%s | %s %s | %s |%n",
              ratio.name(),
              number(ratio.values().median()),
              number(ratio.values().min()),
              number(ratio.values().max()),
              ratio.comparison(),
              number(ratio.target()),
              ratio.met() ? "yes" : "**no**"));
    }
    if (limit != null) {
      all.append(
          "\n## Distance to the limits (mlp_small and tiny jobs), and the Parquet reader\n\n");
      all.append(
          "The model's work and Spark's own read + write of the same rows share the same cores, so"
              + " even a torchbatch that cost nothing could not beat 1 / (1 / raw + 1 / Spark"
              + " alone).\n\n");
      all.append("| ratio | median | min-max |\n|---|---|---|\n");
      all.append(row("job / raw if torchbatch cost nothing", limit.reachable()));
      all.append(row("job / that limit", limit.reached()));
      all.append(
          row(
              "tiny job / no-model job writing as much, if torchbatch cost nothing",
              limit.tinyReachable()));
      all.append(row("tiny job / that limit", limit.tinyReached()));
      all.append(
          row("job / the same job on Spark's Parquet reader and writer", limit.parquetGain()));
      all.append(row("read alone: torchbatch-parquet / Spark's reader", limit.readSpeedup()));
      all.append(
          row(
              "raw: 2 runners x 1 thread / 1 runner x 2 threads (which shape is the limit)",
              limit.rawShapes()));
    }
    if (!cpuTime.isEmpty()) {
      all.append("\n## The same ratios in CPU time\n\n");
      all.append(
          "Rows per CPU-second of the whole JVM (its tasks, driver, compiler and collector), round"
              + " by round: cores a neighbour takes, or a wait (on the disk, say), lower rows/s"
              + " but not these, so where the targets' ratios and these part, a case kept fewer"
              + " cores busy than the other (see cores busy under Cases).\n\n");
      all.append("| ratio | median | min-max |\n|---|---|---|\n");
      cpuTime.forEach((name, values) -> all.append(row(name, values)));
    }
    Files.writeString(file, all.append(text));
  }

  private static String row(String name, Measurement values) {
    return String.format(
        "| %s | %s | %s-%s |%n",
        name, number(values.median()), number(values.min()), number(values.max()));
  }

  private void section(String title) {
    text.append("\n## ").append(title).append("\n\n");
  }

  private void image(String chart) {
    line("");
    line("![" + chart + "](" + chart + ")");
  }

  private void line(String line) {
    text.append(line).append('\n');
  }

  /** Ratios and fractions with two decimals; large figures as whole numbers. */
  private static String number(double value) {
    return Math.abs(value) >= 100 ? String.format("%,.0f", value) : String.format("%.3f", value);
  }
}
