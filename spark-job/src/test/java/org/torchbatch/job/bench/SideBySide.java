package org.torchbatch.job.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.torchbatch.runtime.bench.Measurement;

/**
 * Cases measured interleaved, so that a noisy neighbour hits all of them alike: a warm-up, then
 * {@code repeats} rounds. Each is made of passes that run every case once, in an order drawn afresh
 * for each pass (so that no case always follows the same one), until each case has run for the
 * warm-up's or the round's seconds (at least once): a sub-second case runs many times, interleaved
 * with the others, so that the JIT compiler has settled on its code before the rounds and no single
 * hiccup decides its round. Each case's CPU time (the whole JVM's, as a job's includes its driver,
 * compiler and collector) is kept too: a neighbour that takes cores lowers rows/s but not rows per
 * CPU-second.
 */
final class SideBySide {
  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** {@code before} runs untimed ahead of each run of {@code body}. */
  private record Case(long rows, Runnable before, Runnable body) {}

  /**
   * Per case, round by round: rows/s, and the JVM's cores busy while it ran (CPU seconds over wall
   * seconds: on this machine's 2 cores, 2 when a case kept both busy and no neighbour took them);
   * and the rows of one run of each case.
   */
  record Rounds(
      Map<String, Measurement> rates, Map<String, Measurement> coresBusy, Map<String, Long> rows) {
    /** Rows per CPU-second of the JVM, round by round. */
    Measurement perCpuSecond(String name) {
      return rates.get(name).dividedBy(coresBusy.get(name));
    }
  }

  /** A case's runs, wall and CPU seconds so far in one warm-up or round. */
  private static final class Tally {
    int runs;
    double seconds;
    double cpuSeconds;

    double rowsPerSecond(long rowsPerRun) {
      return rowsPerRun * runs / seconds;
    }

    double coresBusy() {
      return cpuSeconds / seconds;
    }
  }

  private final Map<String, Case> cases = new LinkedHashMap<>();
  private final double warmUpSeconds;
  private final double roundSeconds;
  private final Random order;

  SideBySide(double warmUpSeconds, double roundSeconds, Random order) {
    this.warmUpSeconds = warmUpSeconds;
    this.roundSeconds = roundSeconds;
    this.order = order;
  }

  SideBySide add(String name, long rows, Runnable body) {
    return add(name, rows, () -> {}, body);
  }

  /** A case whose runs each follow an untimed {@code before} (e.g. putting its input in cache). */
  SideBySide add(String name, long rows, Runnable before, Runnable body) {
    cases.put(name, new Case(rows, before, body));
    return this;
  }

  Rounds run(int repeats) {
    passes("warm-up ", warmUpSeconds);
    Map<String, double[]> rates = new LinkedHashMap<>();
    Map<String, double[]> cores = new LinkedHashMap<>();
    for (String name : cases.keySet()) {
      rates.put(name, new double[repeats]);
      cores.put(name, new double[repeats]);
    }
    for (int round = 0; round < repeats; round++) {
      int r = round;
      passes("round " + (round + 1) + " ", roundSeconds)
          .forEach(
              (name, tally) -> {
                rates.get(name)[r] = tally.rowsPerSecond(cases.get(name).rows());
                cores.get(name)[r] = tally.coresBusy();
              });
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    cases.forEach((name, c) -> rows.put(name, c.rows()));
    return new Rounds(measurements(rates), measurements(cores), rows);
  }

  private static Map<String, Measurement> measurements(Map<String, double[]> values) {
    Map<String, Measurement> measured = new LinkedHashMap<>();
    values.forEach((name, rounds) -> measured.put(name, new Measurement(rounds)));
    return measured;
  }

  /**
   * Passes over the cases until each has run for {@code seconds}; prints each case's rows/s and
   * cores busy.
   */
  private Map<String, Tally> passes(String label, double seconds) {
    Map<String, Tally> tallies = new LinkedHashMap<>();
    cases.keySet().forEach(name -> tallies.put(name, new Tally()));
    boolean more = true;
    while (more) {
      more = false;
      List<Map.Entry<String, Case>> pass = new ArrayList<>(cases.entrySet());
      Collections.shuffle(pass, order);
      for (Map.Entry<String, Case> entry : pass) {
        Tally tally = tallies.get(entry.getKey());
        if (tally.runs > 0 && tally.seconds >= seconds) {
          continue;
        }
        entry.getValue().before().run();
        long cpu = OS.getProcessCpuTime();
        long begin = System.nanoTime();
        entry.getValue().body().run();
        tally.seconds += (System.nanoTime() - begin) / 1e9;
        tally.cpuSeconds += (OS.getProcessCpuTime() - cpu) / 1e9;
        tally.runs++;
        more |= tally.seconds < seconds;
      }
    }
    tallies.forEach(
        (name, tally) ->
            System.out.printf(
                "  %s %-50s %,12.0f rows/s, %.2f cores busy (%d run%s)%n",
                label,
                name,
                tally.rowsPerSecond(cases.get(name).rows()),
                tally.coresBusy(),
                tally.runs,
                tally.runs == 1 ? "" : "s"));
    return tallies;
  }
}
