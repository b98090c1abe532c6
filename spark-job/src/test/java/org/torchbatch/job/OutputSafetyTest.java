package org.torchbatch.job;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.job.bench.CappedStorage;
import org.torchbatch.runtime.cli.ExitCodes;

class OutputSafetyTest {
  @TempDir java.nio.file.Path lake;
  private FileSystem fs;
  private Path input;

  @BeforeEach
  void input() throws IOException {
    fs = FileSystem.getLocal(new Configuration());
    Files.createDirectories(lake.resolve("in/dt=1"));
    Files.writeString(lake.resolve("in/dt=1/part-0.parquet"), "rows");
    input = path(lake.resolve("in"));
  }

  private static Path path(java.nio.file.Path local) {
    return new Path(local.toUri());
  }

  private void check(Path output) {
    OutputSafety.check(
        fs.getConf(), fs.makeQualified(output), List.of(input), path(lake.resolve("wh")));
  }

  @Test
  void anOutputThatContainsEqualsOrLiesInsideTheInputIsRefusedNamingBoth() {
    assertThatThrownBy(() -> check(path(lake)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("Output " + fs.makeQualified(path(lake)) + " contains the input")
        .hasMessageContaining(input.toString())
        .satisfies(
            e ->
                org.assertj.core.api.Assertions.assertThat(((JobException) e).exitCode())
                    .isEqualTo(ExitCodes.USAGE));
    assertThatThrownBy(() -> check(input)).hasMessageContaining(" is the input");
    assertThatThrownBy(() -> check(path(lake.resolve("in/preds"))))
        .hasMessageContaining(" lies inside the input");
    assertThatCode(() -> check(path(lake.resolve("out")))).doesNotThrowAnyException();
    assertThatCode(() -> check(path(lake.resolve("input-2")))).doesNotThrowAnyException();
  }

  @Test
  void aSymlinkToTheInputIsTheInput() throws IOException {
    java.nio.file.Path link = Files.createSymbolicLink(lake.resolve("link"), lake.resolve("in"));
    assertThatThrownBy(() -> check(path(link))).hasMessageContaining(" is the input");
    java.nio.file.Path linkToLake = Files.createSymbolicLink(lake.resolve("in-parent"), lake);
    assertThatThrownBy(() -> check(path(linkToLake))).hasMessageContaining(" contains the input");
  }

  @Test
  void pathsOnOtherFilesystemsAreEachQualifiedByTheirOwn() {
    Configuration conf = new Configuration();
    conf.set("fs.capped.impl", CappedStorage.class.getName());
    Path output = new Path("capped://" + lake.resolve("out"));
    assertThatCode(() -> OutputSafety.check(conf, output, List.of(input), path(lake.resolve("wh"))))
        .doesNotThrowAnyException();
  }

  @Test
  void rootsAndTheWarehouseAreRefused() {
    assertThatThrownBy(() -> check(new Path("file:///")))
        .hasMessageContaining("is a filesystem or bucket root");
    assertThatThrownBy(() -> check(path(lake.resolve("wh"))))
        .hasMessageContaining("is or contains the warehouse");
  }
}
