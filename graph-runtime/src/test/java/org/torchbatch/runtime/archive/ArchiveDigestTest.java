package org.torchbatch.runtime.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Digests are remembered per file version: a rewritten file is read again. */
class ArchiveDigestTest {
  @TempDir Path dir;

  @Test
  void aRewrittenFileGetsItsNewDigest() throws Exception {
    Path file = dir.resolve("model.pt");
    Files.writeString(file, "first");
    String first = ArchiveDigest.sha256(file);
    assertThat(ArchiveDigest.sha256(file)).isEqualTo(first);

    // same size, later modification time
    Files.writeString(file, "other");
    Files.setLastModifiedTime(
        file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
    String second = ArchiveDigest.sha256(file);
    assertThat(second).isNotEqualTo(first);

    Files.writeString(file, "longer than before");
    assertThat(ArchiveDigest.sha256(file)).isNotIn(first, second);
  }
}
