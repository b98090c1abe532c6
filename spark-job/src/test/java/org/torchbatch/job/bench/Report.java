package org.torchbatch.job.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
      Measurement atBestReachable,
      Measurement atBestReached,
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

  void caseTable(SideBySide.Rounds rounds) {
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
          row("job (auto) / raw at its best, if torchbatch cost nothing", limit.atBestReachable()));
      all.append(row("job (auto) / that limit", limit.atBestReached()));
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

  void section(String title) {
    text.append("\n## ").append(title).append("\n\n");
  }

  void image(String chart) {
    line("");
    line("![" + chart + "](" + chart + ")");
  }

  void line(String line) {
    text.append(line).append('\n');
  }

  /** Ratios and fractions with two decimals; large figures as whole numbers. */
  static String number(double value) {
    return Math.abs(value) >= 100 ? String.format("%,.0f", value) : String.format("%.3f", value);
  }
}
