package org.torchbatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InProcessPermissionsTest {
  @TempDir Path dir;

  @Test
  void createsCheckedFilesAndFoldersWithTheirPermissions() throws Exception {
    Configuration conf = new Configuration(false);
    conf.set("fs.inproc.impl", InProcessPermissions.class.getName());
    org.apache.hadoop.fs.Path file =
        new org.apache.hadoop.fs.Path("inproc://" + dir.resolve("a/b/part-0"));
    FileSystem fs = file.getFileSystem(conf);
    try (FSDataOutputStream out = fs.create(file)) {
      out.write(new byte[] {1, 2, 3});
    }
    assertThat(fs.open(file).readAllBytes()).containsExactly(1, 2, 3);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("a/b"))))
        .isEqualTo("rwxr-xr-x");
    try (Stream<Path> files = Files.list(dir.resolve("a/b"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .as("checksummed as file:// is")
          .containsExactlyInAnyOrder("part-0", ".part-0.crc");
    }
  }
}
