package org.torchbatch.runtime.archive;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.testing.Fixtures;

/** The cases the archive fuzzer found, kept: each a clear refusal, never an OutOfMemoryError. */
class ArchiveLimitsTest {
  @TempDir Path dir;

  private Path mutant(ArchiveMutants.Kind kind, long random) throws IOException {
    Path file = dir.resolve(kind + "-" + random + ".pt");
    Files.write(file, ArchiveMutants.mutate("linear_traced", kind, random));
    return file;
  }

  @Test
  void aPickleDeclaringMoreBytesThanItHoldsIsRefusedBeforeAllocating() throws IOException {
    for (long random = 0; random < 20; random++) {
      Path bomb = mutant(ArchiveMutants.Kind.BYTES_BOMB, random);
      assertThatThrownBy(() -> ArchiveReader.read(bomb))
          .isInstanceOf(ArchiveException.class)
          .hasMessageContaining("unreadable data.pkl")
          .hasMessageContaining("declares");
    }
  }

  @Test
  void anEntryInflatingPastItsLimitNamesTheSettingThatRaisesIt() throws IOException {
    Path bomb = mutant(ArchiveMutants.Kind.ZIP_BOMB, 3);
    assertThatThrownBy(() -> ArchiveReader.read(bomb))
        .isInstanceOf(ArchiveException.class)
        .hasMessageContaining("inflates to more than its limit")
        .hasMessageContaining("-D" + ArchiveLimits.MAX_ENTRY_BYTES + "=N");
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() throws IOException {
    for (long random = 0; random < 4; random++) {
      Path deep = mutant(ArchiveMutants.Kind.DEEP_NESTING, random);
      assertThatCode(
              () -> {
                try {
                  ArchiveReader.read(deep);
                } catch (ArchiveException refused) {
                  // refused with a reason: what the reader must do
                }
              })
          .doesNotThrowAnyException();
    }
  }

  @Test
  void lowerLimitsApplyAndSayWhichSettingToRaise() {
    System.setProperty(ArchiveLimits.MAX_ENTRIES, "3");
    try {
      assertThatThrownBy(() -> ArchiveReader.read(Fixtures.archive("linear_traced")))
          .hasMessageContaining("has 7 entries, over the limit of 3 (" + ArchiveLimits.MAX_ENTRIES);
    } finally {
      System.clearProperty(ArchiveLimits.MAX_ENTRIES);
    }
    System.setProperty(ArchiveLimits.MAX_TOTAL_BYTES, "600");
    try {
      assertThatThrownBy(() -> ArchiveReader.read(Fixtures.archive("linear_traced")))
          .hasMessageContaining(ArchiveLimits.MAX_TOTAL_BYTES);
    } finally {
      System.clearProperty(ArchiveLimits.MAX_TOTAL_BYTES);
    }
    System.setProperty(ArchiveLimits.MAX_DEPTH, "0");
    try {
      assertThatThrownBy(() -> ArchiveReader.read(Fixtures.archive("scripted_holds_traced")))
          .hasMessageContaining("nests modules deeper than its limit");
    } finally {
      System.clearProperty(ArchiveLimits.MAX_DEPTH);
    }
  }

  @Test
  void everyRealArchivePassesTheDefaults() {
    for (String fixture : org.torchbatch.runtime.testing.FixtureSuite.MODELS) {
      assertThatCode(() -> ArchiveReader.read(Fixtures.archive(fixture)))
          .as(fixture)
          .doesNotThrowAnyException();
    }
    assertThatCode(() -> ArchiveReader.read(Fixtures.archive("mlp_small")))
        .doesNotThrowAnyException();
  }
}
