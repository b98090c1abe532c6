package org.torchbatch.job.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.bridge.bench.ConversionBenchmark;
import org.torchbatch.runtime.CpuInfo;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.runtime.testing.Fixtures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * Every benchmark in one run on local[2], each figure a ratio of cases measured side by side:
 * writes report.md and PNG charts to a new folder under {@code --out}. Not a test: {@code
 * scripts/bench} runs it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "torchbatch benchmarks")
public final class BenchSuite implements Callable<Integer> {
  @Mixin BenchOptions options;

  @Spec CommandSpec spec;

  private SparkSession spark;

  public static void main(String[] args) {
    System.exit(new CommandLine(new BenchSuite()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Path folder =
        Files.createDirectories(
            options.out.resolve(
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
    if (options.seed == null) {
      options.seed = new Random().nextLong();
    }
    spark = BenchSession.start();
    Path mlp = Fixtures.archive("mlp_small");
    Path tiny = Fixtures.archive("tiny_mlp");
    spark.conf().set("spark.torchbatch.model.mlp.path", mlp.toString());
    spark.conf().set("spark.torchbatch.model.tiny.path", tiny.toString());
    spark.conf().set("spark.torchbatch.model.tiny.shapes", String.valueOf(Bench.NARROW));
    Report report = new Report(folder.resolve("report.md"), "torchbatch benchmarks", setup());
    Bench bench = new Bench(spark, options, mlp, tiny, folder, report);
    Set<String> sections = options.sections;
    if (sections.contains("cases")) {
      new CasesSection(bench).run();
    }
    if (sections.contains("feed")) {
      new FeedSection(bench).run();
    }
    if (sections.contains("pairs")) {
      new PairsSection(bench).run();
    }
    if (sections.contains("heavier")) {
      new HeavierSection(bench).run();
    }
    if (sections.contains("storage")) {
      new StorageSection(bench).run();
    }
    if (sections.contains("batch")) {
      new BatchSweep(bench).run();
    }
    if (sections.contains("phases")) {
      new PhasesSection(bench).phases();
    }
    if (sections.contains("profile")) {
      new PhasesSection(bench).profile();
    }
    if (sections.contains("conversions")) {
      System.out.println("Conversions:");
      writeConversions(report, ConversionBenchmark.run(1.0));
      report.write();
    }
    if (sections.contains("memory")) {
      new MemorySection(bench).run();
    }
    spark.stop();
    System.out.println("Report: " + folder.resolve("report.md"));
    return 0;
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

  private String setup() throws IOException, InterruptedException {
    return String.format(
        "%s; %s, %d cores; Java %s; Spark %s, local[2]. A warm-up in which each case runs for %s s,"
            + " then %d rounds in which each runs for %s s (every case at least once each time;"
            + " the pairs section's rounds run each of its cases once); each ratio is taken round"
            + " by round from cases run back to back, then its median and range. Before each run"
            + " of a case that reads Parquet, its input is read once, untimed, into the page cache,"
            + " which this VM drops for files left unread a while. The cases of each pass run in an"
            + " order drawn from the run's seed."
            + "%n%nCommand: `%s`%n%nCommit: %s%n",
        LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME),
        CpuInfo.current().describe(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        spark.version(),
        seconds(options.warmUp),
        options.repeats,
        seconds(options.roundSeconds),
        command(),
        commit());
  }

  /** The checkout's commit, and whether its files differ from it. */
  private static String commit() throws IOException, InterruptedException {
    String head = git("rev-parse", "--short", "HEAD");
    return head.isEmpty()
        ? "unknown (not a git checkout)"
        : head
            + (git("status", "--porcelain", "--untracked-files=no").isEmpty()
                ? ""
                : ", with uncommitted changes");
  }

  private static String git(String... arguments) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(arguments));
    Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return git.waitFor() == 0 ? out : "";
  }

  /** 10 as "10", 0.5 as "0.5". */
  private static String seconds(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static void writeConversions(Report report, List<ConversionBenchmark.Result> results) {
    report.section("arrow-bridge conversions (GB/s of tensor data, 4096 rows a batch)");
    report.line("| conversion | path | GB/s | min-max |");
    report.line("|---|---|---|---|");
    for (ConversionBenchmark.Result result : results) {
      Measurement gb = result.gigabytesPerSecond();
      report.line(
          String.format(
              "| %s | %s | %.2f | %.2f-%.2f |",
              result.label(), result.path(), gb.median(), gb.min(), gb.max()));
    }
  }
}
