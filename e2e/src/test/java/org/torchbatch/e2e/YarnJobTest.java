package org.torchbatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.torchbatch.runtime.cli.ExitCodes;

/**
 * The job on YARN (MiniYARNCluster, one node manager) in client and cluster mode, model, input,
 * output and summary on HDFS.
 */
class YarnJobTest {
  private static final int ROWS = 10_000;
  private static Cluster cluster;
  private static String model;
  private static String input;

  @BeforeAll
  static void start() throws Exception {
    cluster = Cluster.shared();
    model = cluster.uploadFixture("mlp_small.pt");
    input = cluster.writeInput("yarn-input", ClusterJobTest.FEATURES, ROWS, 4);
  }

  private static JsonNode summary(String uri) throws Exception {
    return Cluster.readJson(cluster.fs(), uri);
  }

  private static Cluster.Submit predict(String deployMode, String output, String... extra)
      throws Exception {
    return cluster.submitToYarn(
        deployMode, List.of(), Cluster.predictArgs(model, input, output, extra));
  }

  private static void assertScoredOnce(String output, String summaryUri) throws Exception {
    OutputContent.assertExactlyOnce(
        cluster.fs(), output, cluster.fixture("mlp_small.pt"), ROWS, id -> false);
    JsonNode json = summary(summaryUri);
    assertThat(json.path("exitCode").asInt()).isZero();
    assertThat(json.path("rowsOut").asLong()).isEqualTo(ROWS);
    assertThat(json.path("modelLoads").asLong()).as("loads == executors").isEqualTo(2);
  }

  @Test
  void clientMode(TestReporter report) throws Exception {
    String output = cluster.hdfs + "/data/yarn-client";
    String summary = cluster.hdfs + "/runs/yarn-client.json";
    Cluster.Submit job = predict("client", output, "--summary", summary);
    Cluster.record(report, "yarnClientModeJobSeconds", job.seconds());
    assertThat(job.exitCode()).as(job.output()).isZero();
    assertScoredOnce(output, summary);
  }

  @Test
  void clusterModeAndTheSummaryCarriesTheExitCodeSparkSubmitCannot(TestReporter report)
      throws Exception {
    String output = cluster.hdfs + "/data/yarn-cluster";
    String summary = cluster.hdfs + "/runs/yarn-cluster.json";
    Cluster.Submit job = predict("cluster", output, "--summary", summary);
    Cluster.record(report, "yarnClusterModeJobSeconds", job.seconds());
    assertThat(job.exitCode()).as(job.output()).isZero();
    assertThat(job.output()).contains("final status: SUCCEEDED");
    assertScoredOnce(output, summary);

    // the same output again, without --mode: the driver exits 4; spark-submit can say only failed
    String refused = cluster.hdfs + "/runs/yarn-cluster-refused.json";
    Cluster.Submit again = predict("cluster", output, "--summary", refused);
    assertThat(again.exitCode()).as(again.output()).isNotZero();
    assertThat(again.output()).contains("final status: FAILED");
    assertThat(again.output())
        .as("YARN's diagnostics carry the job's message")
        .contains("torchbatch exited with code 4: Output hdfs://");
    JsonNode json = summary(refused);
    assertThat(json.path("exitCode").asInt()).isEqualTo(ExitCodes.OUTPUT_EXISTS);
    assertThat(json.path("message").asText()).contains("exists");
    OutputContent.assertExactlyOnce(
        cluster.fs(), output, cluster.fixture("mlp_small.pt"), ROWS, id -> false);
  }
}
