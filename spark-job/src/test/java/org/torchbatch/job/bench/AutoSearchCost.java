package org.torchbatch.job.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where {@code auto}'s time goes in the batch-size sweep: the sizes its runs settled on; the search
 * (auto against the fixed sizes it settled on, run as long: the rows its windows ran at other
 * sizes, and their windows' own cost); and the choice (those fixed sizes against the best one).
 */
final class AutoSearchCost {
  private AutoSearchCost() {}

  /**
   * {@code settled}: per case, the size each of auto's runs settled on (warm-up runs included);
   * {@code fixed}: per case, each fixed size's median rows/s; {@code auto}: auto's median rows/s.
   */
  static void write(
      Report report,
      Map<String, List<Integer>> settled,
      Map<String, Map<Integer, Double>> fixed,
      Map<String, Double> auto) {
    report.section("Where auto's time goes");
    report.line(
        "Per case: the sizes auto's runs settled on (runs per size); the search, auto / the fixed"
            + " sizes it settled on (each run's rows at its settled size's median rate); the"
            + " choice, those sizes / the best fixed size. Their product is auto / the best fixed"
            + " size, from medians. Runs settled on a size the sweep did not measure are left out"
            + " of both.");
    report.line("");
    report.line("| case | settled on (runs) | the search | the choice |");
    report.line("|---|---|---|---|");
    settled.forEach(
        (name, sizes) -> {
          Map<Integer, Double> rates = fixed.get(name);
          Map<Integer, Integer> runs = new TreeMap<>();
          sizes.forEach(size -> runs.merge(size, 1, Integer::sum));
          double seconds = 0;
          int measured = 0;
          for (int size : sizes) {
            if (rates.containsKey(size)) {
              seconds += 1 / rates.get(size);
              measured++;
            }
          }
          double atSettled = measured / seconds;
          double best =
              rates.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
          report.line(
              String.format(
                  "| %s | %s | %s | %s |",
                  name,
                  runs.toString().replaceAll("[{}]", "").replace("=", " x"),
                  measured == 0 ? "-" : Report.number(auto.get(name) / atSettled),
                  measured == 0 ? "-" : Report.number(atSettled / best)));
        });
  }
}
