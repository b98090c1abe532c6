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

  /**
   * Edit distance ignoring case, so that {@code batchsize} is next to {@code batchSize}; two
   * neighbours swapped count as one edit ({@code modle} is as near {@code model} as {@code mode}).
   */
  static int distance(String a, String b) {
    String x = a.toLowerCase(Locale.ROOT);
    String y = b.toLowerCase(Locale.ROOT);
    int[][] d = new int[x.length() + 1][y.length() + 1];
    for (int i = 0; i <= x.length(); i++) {
      for (int j = 0; j <= y.length(); j++) {
        if (i == 0 || j == 0) {
          d[i][j] = i + j;
          continue;
        }
        int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j], d[i][j - 1]) + 1);
        if (i > 1
            && j > 1
            && x.charAt(i - 1) == y.charAt(j - 2)
            && x.charAt(i - 2) == y.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[x.length()][y.length()];
  }
}
