package org.torchbatch.job.bench;

import java.util.Map;
import org.torchbatch.runtime.bench.Measurement;

/** Ratios of cases measured side by side, taken round by round. */
final class Ratios {
  private Ratios() {}

  /** Per round: the limit over the base ({@code reachable}), and the job over the limit. */
  record Reach(Measurement reachable, Measurement reached) {}

  static Report.Ratio ratio(
      String name,
      Map<String, Measurement> measured,
      String numerator,
      String denominator,
      double target) {
    return new Report.Ratio(name, perRound(measured, numerator, denominator), target, ">=");
  }

  /** Round by round, the fastest of the {@code names} cases' rows/s. */
  static Measurement fastest(Map<String, Measurement> rates, Iterable<String> names) {
    double[] best = null;
    for (String name : names) {
      double[] rounds = rates.get(name).rowsPerSecond();
      if (best == null) {
        best = rounds.clone();
      }
      for (int i = 0; i < best.length; i++) {
        best[i] = Math.max(best[i], rounds[i]);
      }
    }
    return new Measurement(best);
  }

  /** Round by round, {@code numerator}'s rows/s over {@code denominator}'s. */
  static Measurement perRound(
      Map<String, Measurement> measured, String numerator, String denominator) {
    return measured.get(numerator).dividedBy(measured.get(denominator));
  }

  /** Round by round, {@code numerator}'s rows per CPU-second over {@code denominator}'s. */
  static Measurement perCpuSecond(SideBySide.Rounds rounds, String numerator, String denominator) {
    return rounds.perCpuSecond(numerator).dividedBy(rounds.perCpuSecond(denominator));
  }

  /**
   * Where the job could get if torchbatch cost nothing: on a machine whose cores are all busy, the
   * model's work (raw) and Spark's own read + write (no model) add up, so the limit rate is {@code
   * 1 / (1 / raw + 1 / alone)}. Per round: that limit over {@code base}, and the job over it.
   */
  static Reach reach(
      Measurement rawRates, Measurement aloneRates, Measurement jobRates, Measurement baseRates) {
    double[] raw = rawRates.rowsPerSecond();
    double[] alone = aloneRates.rowsPerSecond();
    double[] job = jobRates.rowsPerSecond();
    double[] base = baseRates.rowsPerSecond();
    double[] reachable = new double[raw.length];
    double[] reached = new double[raw.length];
    for (int r = 0; r < raw.length; r++) {
      double limit = 1 / (1 / raw[r] + 1 / alone[r]);
      reachable[r] = limit / base[r];
      reached[r] = job[r] / limit;
    }
    return new Reach(new Measurement(reachable), new Measurement(reached));
  }
}
