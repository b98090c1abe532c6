package org.torchbatch.job;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.spark.Setting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import scala.jdk.javaapi.CollectionConverters;

/** {@code torchbatch predict}: read a table, add a model's predictions, write the result. */
@Command(
    name = "predict",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Reads a table, adds a TorchScript model's predictions and writes the result.",
      "Options come from the command line, then --config FILE, then spark.torchbatch.job.<option>.",
      "Exit codes: 0 success, 1 failed while running, 2 usage or validation error (nothing ran),",
      "3 input not found, 4 output exists (with --mode error-if-exists)."
    })
public final class PredictCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      description = "properties file of options (keys: the long option names)")
  Path config;

  @Option(
      names = "--master",
      description = "Spark master when not run by spark-submit (default local[*])")
  String master;

  @Option(
      names = "--dry-run",
      description = "check archive, columns, types and one tiny sample batch; write nothing")
  boolean dryRun;

  @Option(
      names = "--summary",
      description =
          "write a JSON summary of the run to FILE, any Hadoop path; also when the run fails, with"
              + " its exit code and message")
  String summaryFile;

  @Override
  public Integer call() {
    SparkSession spark = Sessions.get(master);
    Map<String, String> conf = CollectionConverters.asJava(spark.conf().getAll());
    RunSummary summary = new RunSummary();
    try (ProgressReporter progress = ProgressReporter.start(spark)) {
      JobSettings settings = JobSettings.resolve(commandLine(), config, conf);
      new PredictJob(spark, settings, summary).run(dryRun);
    } catch (RuntimeException e) {
      if (summaryFile != null) {
        summary.ended(JobErrors.exitCode(e), JobErrors.rootMessage(e));
        summary.write(summaryFile, spark.sparkContext().hadoopConfiguration());
      }
      throw e;
    }
    summary.ended(ExitCodes.OK, null);
    if (summaryFile != null) {
      summary.write(summaryFile, spark.sparkContext().hadoopConfiguration());
    }
    spec.commandLine().getOut().println(summary.json().toPrettyString());
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }

  /** Adds an option to {@code spec} for each of {@link JobOptions}, described by it. */
  static CommandSpec withJobOptions(CommandSpec spec) {
    for (Setting option : JobOptions.ALL) {
      OptionSpec.Builder builder =
          OptionSpec.builder("--" + option.name())
              .paramLabel(option.name().toUpperCase(Locale.ROOT).replace('-', '_'))
              .description(description(option));
      if (option.kind() == Setting.Kind.PER_ARGUMENT) {
        builder.type(List.class).auxiliaryTypes(String.class);
      } else if (option.kind() == Setting.Kind.BOOLEAN) {
        builder.type(String.class).arity("0..1").fallbackValue("true");
      } else {
        builder.type(String.class);
      }
      spec.addOption(builder.build());
    }
    return spec;
  }

  private static String description(Setting option) {
    String allowed =
        option.kind() == Setting.Kind.CHOICE
            ? " (" + String.join(", ", option.allowed()) + ")"
            : "";
    String repeat = option.kind() == Setting.Kind.PER_ARGUMENT ? " Repeat, in order." : "";
    String fallback =
        option.defaultValue() == null ? "" : " Default " + option.defaultValue() + ".";
    return option.doc() + allowed + "." + repeat + fallback;
  }

  /** The job options given on the command line, by name; per-argument ones joined with ';'. */
  private Map<String, String> commandLine() {
    Map<String, String> values = new LinkedHashMap<>();
    for (Setting option : JobOptions.ALL) {
      Object value = spec.findOption("--" + option.name()).getValue();
      if (value instanceof List<?> list) {
        values.put(option.name(), String.join(";", list.stream().map(String::valueOf).toList()));
      } else if (value != null) {
        values.put(option.name(), value.toString());
      }
    }
    return values;
  }
}
