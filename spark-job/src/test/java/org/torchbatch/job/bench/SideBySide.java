package org.torchbatch.job.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.torchbatch.runtime.bench.Measurement;

/**
 * Cases measured interleaved, so that a noisy neighbour hits all of them alike: warm-up rounds
 * until every case has run for {@code warmUpSeconds} (at least once: short cases run many times,
 * until the JIT compiler has settled on their code), then {@code repeats} rounds, each running
 * every case once in the order they were added.
 */
final class SideBySide {
  private record Case(long rows, Runnable body) {}

  private final Map<String, Case> cases = new LinkedHashMap<>();
  private final double warmUpSeconds;

  SideBySide(double warmUpSeconds) {
    this.warmUpSeconds = warmUpSeconds;
  }

  SideBySide add(String name, long rows, Runnable body) {
    cases.put(name, new Case(rows, body));
    return this;
  }

  Map<String, Measurement> run(int repeats) {
    Map<String, Double> warmed = new LinkedHashMap<>();
    cases.keySet().forEach(name -> warmed.put(name, 0.0));
    while (!warmed.values().stream().allMatch(this::warm)) {
      for (Map.Entry<String, Case> entry : cases.entrySet()) {
        double seconds = warmed.get(entry.getKey());
        if (!warm(seconds)) {
          warmed.put(entry.getKey(), seconds + time("warm-up ", entry.getKey(), entry.getValue()));
        }
      }
    }
    Map<String, double[]> rates = new LinkedHashMap<>();
    cases.keySet().forEach(name -> rates.put(name, new double[repeats]));
    for (int round = 0; round < repeats; round++) {
      for (Map.Entry<String, Case> entry : cases.entrySet()) {
        double seconds = time("round " + (round + 1) + " ", entry.getKey(), entry.getValue());
        rates.get(entry.getKey())[round] = entry.getValue().rows() / seconds;
      }
    }
    Map<String, Measurement> measured = new LinkedHashMap<>();
    rates.forEach((name, values) -> measured.put(name, new Measurement(values)));
    return measured;
  }

  private boolean warm(double seconds) {
    return seconds > 0 && seconds >= warmUpSeconds;
  }

  /** Runs a case once, prints its rate, and returns its seconds. */
  private static double time(String label, String name, Case measured) {
    long begin = System.nanoTime();
    measured.body().run();
    double seconds = (System.nanoTime() - begin) / 1e9;
    System.out.printf("  %s %-50s %,12.0f rows/s%n", label, name, measured.rows() / seconds);
    return seconds;
  }
}
