package org.torchbatch.job.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.torchbatch.runtime.bench.Measurement;

/**
 * Cases measured interleaved, so that a noisy neighbour hits all of them alike: a warm-up in which
 * each case runs for {@code warmUpSeconds} (short cases many times, until the JIT compiler has
 * settled on their code), then {@code repeats} rounds, each running every case in the order they
 * were added for {@code roundSeconds}, so that one hiccup cannot decide a sub-second case's round.
 * Every case runs at least once each time.
 */
final class SideBySide {
  private record Case(long rows, Runnable body) {}

  private final Map<String, Case> cases = new LinkedHashMap<>();
  private final double warmUpSeconds;
  private final double roundSeconds;

  SideBySide(double warmUpSeconds, double roundSeconds) {
    this.warmUpSeconds = warmUpSeconds;
    this.roundSeconds = roundSeconds;
  }

  SideBySide add(String name, long rows, Runnable body) {
    cases.put(name, new Case(rows, body));
    return this;
  }

  Map<String, Measurement> run(int repeats) {
    cases.forEach((name, measured) -> runFor("warm-up ", name, measured, warmUpSeconds));
    Map<String, double[]> rates = new LinkedHashMap<>();
    cases.keySet().forEach(name -> rates.put(name, new double[repeats]));
    for (int round = 0; round < repeats; round++) {
      for (Map.Entry<String, Case> entry : cases.entrySet()) {
        rates.get(entry.getKey())[round] =
            runFor("round " + (round + 1) + " ", entry.getKey(), entry.getValue(), roundSeconds);
      }
    }
    Map<String, Measurement> measured = new LinkedHashMap<>();
    rates.forEach((name, values) -> measured.put(name, new Measurement(values)));
    return measured;
  }

  /**
   * Runs a case until {@code seconds} have passed, at least once; prints and returns its rows/s.
   */
  private static double runFor(String label, String name, Case measured, double seconds) {
    long begin = System.nanoTime();
    int runs = 0;
    double elapsed;
    do {
      measured.body().run();
      runs++;
      elapsed = (System.nanoTime() - begin) / 1e9;
    } while (elapsed < seconds);
    double rate = measured.rows() * runs / elapsed;
    System.out.printf(
        "  %s %-50s %,12.0f rows/s (%d run%s)%n", label, name, rate, runs, runs == 1 ? "" : "s");
    return rate;
  }
}
