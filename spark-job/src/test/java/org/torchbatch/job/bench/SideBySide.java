package org.torchbatch.job.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.torchbatch.runtime.bench.Measurement;

/**
 * Cases measured interleaved, so that a noisy neighbour hits all of them alike: a warm-up, then
 * {@code repeats} rounds. Each is made of passes that run every case once in the order they were
 * added, until each case has run for the warm-up's or the round's seconds (at least once): a
 * sub-second case runs many times, interleaved with the others, so that the JIT compiler has
 * settled on its code before the rounds and no single hiccup decides its round.
 */
final class SideBySide {
  private record Case(long rows, Runnable body) {}

  /** A case's runs and seconds so far in one warm-up or round. */
  private static final class Tally {
    int runs;
    double seconds;
  }

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
    passes("warm-up ", warmUpSeconds);
    Map<String, double[]> rates = new LinkedHashMap<>();
    cases.keySet().forEach(name -> rates.put(name, new double[repeats]));
    for (int round = 0; round < repeats; round++) {
      int r = round;
      passes("round " + (round + 1) + " ", roundSeconds)
          .forEach((name, rate) -> rates.get(name)[r] = rate);
    }
    Map<String, Measurement> measured = new LinkedHashMap<>();
    rates.forEach((name, values) -> measured.put(name, new Measurement(values)));
    return measured;
  }

  /** Passes over the cases until each has run for {@code seconds}; prints each case's rows/s. */
  private Map<String, Double> passes(String label, double seconds) {
    Map<String, Tally> tallies = new LinkedHashMap<>();
    cases.keySet().forEach(name -> tallies.put(name, new Tally()));
    boolean more = true;
    while (more) {
      more = false;
      for (Map.Entry<String, Case> entry : cases.entrySet()) {
        Tally tally = tallies.get(entry.getKey());
        if (tally.runs > 0 && tally.seconds >= seconds) {
          continue;
        }
        long begin = System.nanoTime();
        entry.getValue().body().run();
        tally.seconds += (System.nanoTime() - begin) / 1e9;
        tally.runs++;
        more |= tally.seconds < seconds;
      }
    }
    Map<String, Double> rates = new LinkedHashMap<>();
    tallies.forEach(
        (name, tally) -> {
          double rate = cases.get(name).rows() * tally.runs / tally.seconds;
          System.out.printf(
              "  %s %-50s %,12.0f rows/s (%d run%s)%n",
              label, name, rate, tally.runs, tally.runs == 1 ? "" : "s");
          rates.put(name, rate);
        });
    return rates;
  }
}
