package org.torchbatch.job.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.torchbatch.runtime.bench.Measurement;

/**
 * Cases measured interleaved, so that a noisy neighbour hits all of them alike: one warm-up round,
 * then {@code repeats} rounds, each running every case once in the order they were added.
 */
final class SideBySide {
  private record Case(long rows, Runnable body) {}

  private final Map<String, Case> cases = new LinkedHashMap<>();

  SideBySide add(String name, long rows, Runnable body) {
    cases.put(name, new Case(rows, body));
    return this;
  }

  Map<String, Measurement> run(int repeats) {
    Map<String, double[]> rates = new LinkedHashMap<>();
    cases.keySet().forEach(name -> rates.put(name, new double[repeats]));
    for (int round = -1; round < repeats; round++) {
      for (Map.Entry<String, Case> entry : cases.entrySet()) {
        long begin = System.nanoTime();
        entry.getValue().body().run();
        double rate = entry.getValue().rows() / ((System.nanoTime() - begin) / 1e9);
        System.out.printf(
            "  %s %-50s %,12.0f rows/s%n",
            round < 0 ? "warm-up " : "round " + (round + 1) + " ", entry.getKey(), rate);
        if (round >= 0) {
          rates.get(entry.getKey())[round] = rate;
        }
      }
    }
    Map<String, Measurement> measured = new LinkedHashMap<>();
    rates.forEach((name, values) -> measured.put(name, new Measurement(values)));
    return measured;
  }
}
