package org.torchbatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoSearchCostTest {
  @Test
  void splitsAutosShortfallIntoItsSearchAndItsChoice(@TempDir Path folder) throws Exception {
    Path file = folder.resolve("report.md");
    Report report = new Report(file, "t", "s");
    // two runs at 1024 (100 k rows/s fixed) and one at 2048 (50 k): as fast as 75 k rows/s
    // together, a run's rows taking 1/100 + 1/100 + 1/50 over three; 256 was not swept
    AutoSearchCost.write(
        report,
        Map.of("job", List.of(1024, 2048, 1024, 256)),
        Map.of("job", Map.of(1024, 100_000.0, 2048, 50_000.0, 4096, 40_000.0)),
        Map.of("job", 60_000.0));
    report.write();
    assertThat(Files.readString(file))
        .contains("| job | 256 x1, 1024 x2, 2048 x1 | 0.800 | 0.750 |");
  }
}
