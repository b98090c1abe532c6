package org.torchbatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;

/** The shaded job jar through spark-submit on a standalone cluster (2 workers) with HDFS. */
class ClusterJobTest {
  private static final int ROWS = 20_000;
  static final String FEATURES =
      "transform(sequence(1, 512), i -> CAST(sin(id * 0.37 + i) AS FLOAT))";
  private static Cluster cluster;
  private static String model;
  private static String input;

  @BeforeAll
  static void start() throws Exception {
    cluster = Cluster.shared();
    model = cluster.uploadFixture("mlp_small.pt");
    cluster.uploadFixture("state_dict.pt");
    input = cluster.writeInput("input", FEATURES, ROWS, 4);
  }

  private static org.apache.hadoop.fs.Path hdfsPath(String uri) {
    return new org.apache.hadoop.fs.Path(uri);
  }

  @Test
  void clientModeJobOnHdfsPredictsEveryRowOnceWithOneLoadPerExecutor(TestReporter report)
      throws Exception {
    Cluster.record(report, "clusterStartSeconds", cluster.startSeconds);
    String output = cluster.hdfs + "/data/client-output";
    Path summary = Files.createTempFile("summary", ".json");
    Cluster.Submit job =
        cluster.predict("client", List.of(), model, input, output, "--summary", summary.toString());
    Cluster.record(report, "clientModeJobSeconds", job.seconds());
    assertThat(job.exitCode()).as(job.output()).isZero();
    assertThat(cluster.fs().exists(hdfsPath(output + "/_SUCCESS"))).isTrue();

    JsonNode json = new ObjectMapper().readTree(summary.toFile());
    assertThat(json.path("rowsOut").asLong()).isEqualTo(ROWS);
    assertThat(json.path("modelLoads").asLong()).as("loads == executors, not tasks").isEqualTo(2);

    Cluster.Submit check =
        cluster.submit(
            "client",
            List.of(),
            "sql",
            "SELECT count(*), count(DISTINCT id), min(id), max(id) FROM parquet.`" + output + "`");
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains(ROWS + " | " + ROWS + " | 0 | " + (ROWS - 1));

    Cluster.Submit sample =
        cluster.submit(
            "client",
            List.of(),
            "sql",
            "SELECT id, prediction[0] FROM parquet.`"
                + output
                + "` WHERE id IN (0, 1, 19999) ORDER BY id");
    Matcher rows = Pattern.compile("(?m)^(\\d+) \\| (-?[0-9.E-]+)$").matcher(sample.output());
    int seen = 0;
    while (rows.find()) {
      long id = Long.parseLong(rows.group(1));
      assertThat(Double.parseDouble(rows.group(2)))
          .as("row %d", id)
          .isCloseTo(expected(id), within(1e-4));
      seen++;
    }
    assertThat(seen).as(sample.output()).isEqualTo(3);
  }

  @Test
  void sqlPredictOnTheCluster() throws Exception {
    Cluster.Submit sql =
        cluster.submit(
            "client",
            List.of(),
            "sql",
            "SET spark.torchbatch.model.m.path="
                + model
                + ";"
                + " SELECT count(*) FROM (SELECT predict('m', features) AS p FROM parquet.`"
                + input
                + "`) WHERE size(p) = 10");
    assertThat(sql.exitCode()).as(sql.output()).isZero();
    assertThat(sql.output()).contains("\n" + ROWS + "\n");
  }

  @Test
  void clusterModeJob(TestReporter report) throws Exception {
    String output = cluster.hdfs + "/data/cluster-output";
    Cluster.Submit job = cluster.predict("cluster", List.of(), model, input, output);
    Cluster.record(report, "clusterModeJobSeconds", job.seconds());
    assertThat(job.exitCode()).as(job.output()).isZero();
    assertThat(cluster.fs().exists(hdfsPath(output + "/_SUCCESS"))).isTrue();
  }

  @Test
  void unusableArchiveExitsWithValidationCodeBeforeAnySparkJobAndWritesNothing() throws Exception {
    String output = cluster.hdfs + "/data/never";
    Cluster.Submit job =
        cluster.predict("client", List.of(), cluster.hdfs + "/models/state_dict.pt", input, output);
    assertThat(job.exitCode()).as(job.output()).isEqualTo(ExitCodes.USAGE);
    assertThat(job.output()).contains("torch.save() file");
    assertThat(job.output()).as("no Spark job started").doesNotContain("Starting job");
    assertThat(cluster.fs().exists(hdfsPath(output))).isFalse();
  }

  /** graph-runtime's own prediction for one generated row. */
  private static double expected(long id) {
    float[] features = new float[512];
    for (int i = 1; i <= 512; i++) {
      features[i - 1] = (float) Math.sin(id * 0.37 + i);
    }
    Path archive = cluster.fixture("mlp_small.pt");
    try (ModelHandle handle = ModelCache.shared().acquire(archive, DeviceSpec.CPU);
        ModelOutputs out =
            handle.newRunner().run("forward", List.of(HostTensor.ofFloats(features, 1, 512)))) {
      return out.get(0).toDoubles()[0];
    }
  }
}
