package org.torchbatch.runtime.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.runtime.cli.TorchbatchCli;
import picocli.CommandLine;

/**
 * Mutated archives against the pure-Java reader and {@code torchbatch inspect}: each ends in an
 * {@link ArchiveException} (exit code 2) or a success, within a time bound, and never crashes,
 * hangs or throws anything else. {@code jqwik.tries.default} (junit-platform.properties) sets how
 * many; docs/hardening.md gives the longer run.
 */
class ArchiveFuzzTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final ExecutorService WORKER = Executors.newSingleThreadExecutor();

  /** One mutant: its seed archive, what was done to it, and the randomness it used. */
  record Mutant(String seed, ArchiveMutants.Kind kind, long random) {}

  @Provide
  Arbitrary<Mutant> mutants() {
    return Combinators.combine(
            Arbitraries.of(ArchiveMutants.SEEDS),
            Arbitraries.of(ArchiveMutants.Kind.class),
            Arbitraries.longs())
        .as(Mutant::new);
  }

  @Property
  void everyMutantIsReadOrRefusedWithAReason(@ForAll("mutants") Mutant mutant) throws Exception {
    Path file = Files.createTempFile("mutant-", ".pt");
    try {
      Files.write(file, ArchiveMutants.mutate(mutant.seed(), mutant.kind(), mutant.random()));
      Future<Integer> inspected =
          WORKER.submit(
              () -> {
                read(file);
                return inspect(file);
              });
      assertThat(inspected.get(BOUND.toSeconds(), TimeUnit.SECONDS))
          .as("inspect's exit code for %s", mutant)
          .isIn(ExitCodes.OK, ExitCodes.USAGE);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static void read(Path file) {
    try {
      ArchiveReader.read(file);
      ModelExamples.read(file);
    } catch (ArchiveException e) {
      assertThat(e.getMessage()).contains(file.getFileName().toString());
    }
  }

  private static int inspect(Path file) {
    CommandLine line = new CommandLine(new TorchbatchCli());
    line.setOut(new PrintWriter(new StringWriter()));
    line.setErr(new PrintWriter(new StringWriter()));
    return TorchbatchCli.execute(line, "inspect", file.toString());
  }

  @AfterContainer
  static void stop() throws IOException {
    WORKER.shutdownNow();
  }
}
