package org.torchbatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.archive.ArchiveDigest;
import org.torchbatch.runtime.cli.ExitCodes;

/** Model, input, output and summary on S3 (s3proxy on 127.0.0.1) through S3A. */
class ObjectStoreJobTest {
  private static final int ROWS = 10_000;
  private static Cluster cluster;
  private static FileSystem s3;
  private static String model;
  private static String input;

  @BeforeAll
  static void start() throws Exception {
    cluster = Cluster.shared();
    s3 = cluster.s3fs();
    model = cluster.uploadFixture(s3, cluster.s3, "mlp_small.pt");
    input =
        cluster.writeInput(cluster.s3, cluster.s3Conf(), "input", ClusterJobTest.FEATURES, ROWS, 4);
  }

  private static JsonNode summary(String uri) throws Exception {
    return Cluster.readJson(s3, uri);
  }

  private static Cluster.Submit predict(String output, String... extra) throws Exception {
    return cluster.predict("client", cluster.s3Conf(), model, input, output, extra);
  }

  @Test
  void everyRowOnceWithTheModelFetchedOncePerExecutorAndTheCommitCalledNonAtomic()
      throws Exception {
    String output = cluster.s3 + "/data/scores";
    String summaryUri = cluster.s3 + "/runs/first.json";
    Cluster.Submit first = predict(output, "--summary", summaryUri);
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertThat(first.output()).contains("is on an object store, where a rename copies every file");
    OutputContent.assertExactlyOnce(s3, output, cluster.fixture("mlp_small.pt"), ROWS, id -> false);

    JsonNode json = summary(summaryUri);
    assertThat(json.path("exitCode").asInt()).isZero();
    assertThat(json.path("rowsOut").asLong()).isEqualTo(ROWS);
    assertThat(json.path("modelLoads").asLong()).as("loads == executors").isEqualTo(2);
    assertThat(json.path("model").path("sha256").asText())
        .isEqualTo(ArchiveDigest.sha256(cluster.fixture("mlp_small.pt")));

    Map<String, String> executors = cluster.executorLogs(first);
    assertThat(executors).hasSize(2);
    Pattern fetched =
        Pattern.compile("Fetched model archive " + Pattern.quote(model) + " \\(\\d+ bytes");
    for (Map.Entry<String, String> log : executors.entrySet()) {
      assertThat(fetched.matcher(log.getValue()).results().count())
          .as("fetches in %s", log.getKey())
          .isEqualTo(1);
    }

    // a rerun replaces the output on S3 and leaves nothing staged beside it
    Cluster.Submit again = predict(output, "--mode", "overwrite");
    assertThat(again.exitCode()).as(again.output()).isZero();
    OutputContent.assertExactlyOnce(s3, output, cluster.fixture("mlp_small.pt"), ROWS, id -> false);
    List<String> beside = new ArrayList<>();
    for (var status : s3.listStatus(new org.apache.hadoop.fs.Path(cluster.s3 + "/data"))) {
      beside.add(status.getPath().getName());
    }
    assertThat(beside).containsExactlyInAnyOrder("input", "scores");
  }

  @Test
  void aModelWhoseBytesAreNotThePinnedSha256IsRefusedBeforeAnyWork() throws Exception {
    String output = cluster.s3 + "/data/never";
    Cluster.Submit job = predict(output, "--sha256", "ab".repeat(32));
    assertThat(job.exitCode()).as(job.output()).isEqualTo(ExitCodes.USAGE);
    assertThat(job.output()).contains("--sha256 pins abab");
    assertThat(s3.exists(new org.apache.hadoop.fs.Path(output))).isFalse();
  }
}
