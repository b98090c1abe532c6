package org.torchbatch.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** A commit stopped after each of its steps, as a killed driver stops it, then the next run. */
class OutputCommitTest {
  @TempDir java.nio.file.Path dir;
  private FileSystem fs;
  private Path output;

  @BeforeEach
  void oldOutput() throws IOException {
    fs = FileSystem.getLocal(new Configuration());
    output = new Path(dir.resolve("scores").toUri());
    write(output, "old");
  }

  private void write(Path folder, String content) throws IOException {
    fs.mkdirs(folder);
    try (var out = fs.create(new Path(folder, "part-0"))) {
      out.writeUTF(content);
    }
    fs.create(new Path(folder, "_SUCCESS")).close();
  }

  private String content() throws IOException {
    try (var in = fs.open(new Path(output, "part-0"))) {
      return in.readUTF();
    }
  }

  private List<String> leftBeside() throws IOException {
    try (Stream<java.nio.file.Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
    }
  }

  @ParameterizedTest
  @EnumSource(OutputCommit.Step.class)
  void aCommitStoppedAfterAnyStepIsFinishedByTheNextRun(OutputCommit.Step stop) throws IOException {
    OutputCommit commit = new OutputCommit(fs, output);
    write(commit.staging(), "new");
    assertThatThrownBy(
            () ->
                commit.commit(
                    step -> {
                      if (step == stop) {
                        throw new IOException("driver killed after " + step);
                      }
                    }))
        .hasMessageContaining("killed");
    if (fs.exists(output)) {
      assertThat(content()).as("whole while stopped").isIn("old", "new");
    }
    assertThat(OutputCommit.recover(fs, output)).hasSize(1);
    assertThat(content()).isEqualTo("new");
    assertThat(fs.exists(new Path(output, "_SUCCESS"))).isTrue();
    assertThat(leftBeside()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aFirstOutputIsMovedIn(boolean stopAfterMarker) throws IOException {
    fs.delete(output, true);
    OutputCommit commit = new OutputCommit(fs, output);
    write(commit.staging(), "new");
    if (stopAfterMarker) {
      assertThatThrownBy(
          () ->
              commit.commit(
                  step -> {
                    throw new IOException("killed");
                  }));
      OutputCommit.recover(fs, output);
    } else {
      commit.commit(OutputCommit.AfterStep.NONE);
    }
    assertThat(content()).isEqualTo("new");
    assertThat(leftBeside()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void stagingOfARunKilledBeforeItsCommitIsRemoved(boolean sparkCommitted) throws IOException {
    OutputCommit killed = new OutputCommit(fs, output);
    fs.mkdirs(killed.staging());
    fs.create(new Path(killed.staging(), "part-0")).close();
    if (sparkCommitted) {
      fs.create(new Path(killed.staging(), "_SUCCESS")).close();
    }
    assertThat(OutputCommit.recover(fs, output))
        .singleElement()
        .asString()
        .contains("removed the staging folder");
    assertThat(content()).isEqualTo("old");
    assertThat(leftBeside()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void anOldOutputMovedAsideByAnUnmarkedRunIsPutBack(boolean staged) throws IOException {
    OutputCommit run = new OutputCommit(fs, output);
    Path aside = new Path(run.staging() + OutputCommit.ASIDE);
    fs.rename(output, aside);
    if (staged) {
      write(run.staging(), "new");
    }
    OutputCommit.recover(fs, output);
    assertThat(content()).isEqualTo("old");
    assertThat(leftBeside()).isEmpty();
  }
}
