package org.torchbatch.spark;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.torchbatch.runtime.TorchbatchException;

/** Settings under a prefix that no one reads are typos: an error names the closest known one. */
final class SettingNames {
  private SettingNames() {}

  /**
   * Fails on a key {@code prefix + suffix} whose suffix is not in {@code known}; suffixes with a
   * dot belong to another name that starts like this one, and are left alone.
   */
  static void checkKnown(String prefix, Collection<String> keys, List<String> known) {
    for (String key : keys) {
      if (!key.startsWith(prefix)) {
        continue;
      }
      String suffix = key.substring(prefix.length());
      if (!suffix.contains(".") && !known.contains(suffix)) {
        String closest =
            known.stream().min(Comparator.comparingInt(k -> distance(k, suffix))).orElseThrow();
        throw new TorchbatchException(
            "Unknown setting "
                + key
                + ": did you mean "
                + prefix
                + closest
                + "? Known settings: "
                + known);
      }
    }
  }

  /** Edit distance, ignoring case, so that {@code batchsize} is next to {@code batchSize}. */
  static int distance(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    int[] previous = new int[y.length() + 1];
    int[] current = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[y.length()];
  }
}
