package org.torchbatch.job;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.spark.Setting;
import org.torchbatch.spark.parquet.TensorParquetFormat;

/**
 * The predict job's options, resolved with a fixed precedence: command line, then the config file
 * ({@code --config}, a properties file with the options' long names as keys), then Spark conf
 * ({@code spark.torchbatch.job.<name>}), then the defaults below.
 */
public final class JobSettings {
  public static final String SPARK_PREFIX = "spark.torchbatch.job.";

  /** Each option's default, from {@link JobOptions}. */
  static final Map<String, String> DEFAULTS = defaults();

  /** Every option a config file or Spark conf may set. */
  static final List<String> NAMES = JobOptions.names();

  private final Map<String, String> values;

  private JobSettings(Map<String, String> values) {
    this.values = values;
  }

  static JobSettings resolve(
      Map<String, String> commandLine, Path configFile, Map<String, String> sparkConf) {
    Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
    sparkConf.forEach(
        (key, value) -> {
          if (key.startsWith(SPARK_PREFIX)) {
            String name = known(key.substring(SPARK_PREFIX.length()), "Spark conf", SPARK_PREFIX);
            values.put(name, checked(name, key, value));
          }
        });
    if (configFile != null) {
      values.putAll(readConfig(configFile));
    }
    commandLine.forEach((name, value) -> values.put(name, checked(name, "--" + name, value)));
    return new JobSettings(values);
  }

  private static Map<String, String> defaults() {
    Map<String, String> defaults = new LinkedHashMap<>();
    JobOptions.ALL.stream()
        .filter(option -> option.defaultValue() != null)
        .forEach(option -> defaults.put(option.name(), option.defaultValue()));
    return Map.copyOf(defaults);
  }

  /** {@code name}, an option; otherwise an error naming the closest one. */
  private static String known(String name, String where, String prefix) {
    if (!NAMES.contains(name)) {
      throw new JobException(
          ExitCodes.USAGE,
          "Unknown option "
              + prefix
              + name
              + " in "
              + where
              + ": did you mean "
              + prefix
              + Setting.closest(name, NAMES)
              + "? (docs/configuration.md)");
    }
    return name;
  }

  /** An option's value, checked against its declaration; {@code given} is how the user named it. */
  private static String checked(String name, String given, String value) {
    try {
      return JobOptions.find(name).orElseThrow().check(given, value);
    } catch (TorchbatchException e) {
      throw new JobException(ExitCodes.USAGE, e.getMessage(), e);
    }
  }

  private static Map<String, String> readConfig(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new JobException(
          ExitCodes.USAGE, "Cannot read config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (String key : properties.stringPropertyNames()) {
      String name = known(key, "config file " + file, "");
      values.put(
          name, checked(name, key + " (in " + file + ")", properties.getProperty(key).trim()));
    }
    return values;
  }

  String get(String name) {
    return values.get(name);
  }

  String require(String name) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      throw new JobException(
          ExitCodes.USAGE,
          "--" + name + " is required (or set it in --config, or as " + SPARK_PREFIX + name + ")");
    }
    return value;
  }

  /** A comma-separated list; model arguments use {@code ;} since expressions contain commas. */
  List<String> list(String name) {
    String value = values.get(name);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    String separator =
        name.equals("arg") || name.equals("shape") || name.equals("dtype") ? ";" : ",";
    return Arrays.stream(value.split(separator, -1)).map(String::trim).toList();
  }

  int integer(String name) {
    try {
      return Integer.parseInt(require(name));
    } catch (NumberFormatException e) {
      throw new JobException(
          ExitCodes.USAGE, "--" + name + " must be an integer, got '" + get(name) + "'");
    }
  }

  /**
   * The Spark source that reads or writes {@code format}: torchbatch's Parquet source where the
   * {@code option} ({@code parquet-reader} or {@code parquet-writer}) asks.
   */
  String source(String format, String option) {
    String choice = require(option);
    // by class name: a short name needs the jar's service file, which repackaging may drop
    return format.equals("parquet") && choice.equals("torchbatch")
        ? TensorParquetFormat.class.getName()
        : format;
  }

  WriteMode mode() {
    return WriteMode.parse(require("mode"));
  }

  /** How {@code --mode} treats an existing output. */
  enum WriteMode {
    ERROR_IF_EXISTS,
    OVERWRITE,
    APPEND,
    OVERWRITE_PARTITIONS;

    /** A mode as {@link JobOptions} allows it (checked where the options are resolved). */
    static WriteMode parse(String text) {
      return valueOf(text.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }
}
