package org.torchbatch.spark;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.network.util.JavaUtils;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.engine.BatchSizer;

/**
 * One setting a user gives torchbatch, a Spark conf key or a job option: its name, kind, default,
 * allowed values and what it does. Values are checked here, and the reference in {@code
 * docs/configuration.md} is generated from these declarations.
 *
 * @param defaultValue null when there is none (required, or absent means "not set")
 * @param allowed for {@link Kind#CHOICE}, the values accepted (compared ignoring case)
 */
public record Setting(
    String name, Kind kind, String defaultValue, List<String> allowed, String doc) {

  /** What a setting's value is. */
  public enum Kind {
    TEXT("text"),
    PATH("Hadoop path"),
    INTEGER("integer > 0"),
    BOOLEAN("true, false"),
    BYTES("bytes (k, m, g)"),
    BATCH_SIZE("auto or rows"),
    CHOICE("one of"),
    LIST("comma-separated"),
    PER_ARGUMENT("per argument");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public static Setting of(String name, Kind kind, String defaultValue, String doc) {
    return new Setting(name, kind, defaultValue, List.of(), doc);
  }

  public static Setting choice(String name, String defaultValue, List<String> allowed, String doc) {
    return new Setting(name, Kind.CHOICE, defaultValue, allowed, doc);
  }

  /** {@code value} as given to {@code key} (the name the user wrote), or an error naming it. */
  public String check(String key, String value) {
    String trimmed = value.trim();
    switch (kind) {
      case INTEGER -> {
        if (!trimmed.matches("[0-9]+") || trimmed.matches("0+")) {
          throw invalid(key, value, "a positive integer");
        }
      }
      case BOOLEAN -> {
        if (!trimmed.equalsIgnoreCase("true") && !trimmed.equalsIgnoreCase("false")) {
          throw invalid(key, value, "true or false");
        }
        return trimmed.toLowerCase(Locale.ROOT);
      }
      case BYTES -> {
        try {
          JavaUtils.byteStringAsBytes(trimmed);
        } catch (NumberFormatException e) {
          throw invalid(key, value, "a size in bytes, e.g. 512k, 64m, 1g");
        }
      }
      case BATCH_SIZE -> {
        return BatchSizer.validate(key, trimmed);
      }
      case CHOICE -> {
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
          throw invalid(key, value, "one of " + String.join(", ", allowed));
        }
        return lower;
      }
      default -> {
        return value;
      }
    }
    return trimmed;
  }

  private static TorchbatchException invalid(String key, String value, String expected) {
    return new TorchbatchException(key + " must be " + expected + ", got '" + value + "'");
  }

  /** The name in {@code known} nearest to {@code name} by edit distance, ignoring case. */
  public static String closest(String name, Collection<String> known) {
    return known.stream()
        .min(Comparator.comparingInt(k -> SettingNames.distance(k, name)))
        .orElseThrow();
  }
}
