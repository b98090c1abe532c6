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
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
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
  private static Cluster cluster;
  private static String model;
  private static String input;

  @BeforeAll
  static void start() throws Exception {
    cluster = new Cluster();
    System.out.printf(
        "e2e cluster started in %d s: %s, %s%n",
        cluster.startSeconds, cluster.master, cluster.hdfs);
    FileSystem fs = cluster.fs();
    Path fixtures = cluster.root().resolve("graph-runtime/src/test/resources/fixtures");
    model = cluster.hdfs + "/models/mlp_small.pt";
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(fixtures.resolve("mlp_small.pt").toString()),
        new org.apache.hadoop.fs.Path(model));
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(fixtures.resolve("state_dict.pt").toString()),
        new org.apache.hadoop.fs.Path(cluster.hdfs + "/models/state_dict.pt"));
    input = cluster.hdfs + "/data/input";
    Cluster.Submit made =
        cluster.submit(
            "client",
            List.of(),
            "sql",
            "INSERT OVERWRITE DIRECTORY '"
                + input
                + "' USING parquet SELECT id,"
                + " transform(sequence(1, 512), i -> CAST(sin(id * 0.37 + i) AS FLOAT)) AS features"
                + " FROM range(0, "
                + ROWS
                + ", 1, 4)");
    assertThat(made.exitCode()).as(made.output()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void clientModeJobOnHdfsPredictsEveryRowOnceWithOneLoadPerExecutor(TestReporter report)
      throws Exception {
    report.publishEntry("clusterStartSeconds", String.valueOf(cluster.startSeconds));
    String output = cluster.hdfs + "/data/client-output";
    Path summary = Files.createTempFile("summary", ".json");
    Cluster.Submit job =
        cluster.submit(
            "client",
            List.of(),
            "predict",
            "--model",
            model,
            "--arg",
            "features",
            "--keep",
            "id",
            "--input",
            input,
            "--output",
            output,
            "--summary",
            summary.toString());
    report.publishEntry("clientModeJobSeconds", String.valueOf(job.seconds()));
    assertThat(job.exitCode()).as(job.output()).isZero();
    assertThat(cluster.fs().exists(new org.apache.hadoop.fs.Path(output + "/_SUCCESS"))).isTrue();

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
    Cluster.Submit job =
        cluster.submit(
            "cluster",
            List.of(),
            "predict",
            "--model",
            model,
            "--arg",
            "features",
            "--keep",
            "id",
            "--input",
            input,
            "--output",
            output);
    report.publishEntry("clusterModeJobSeconds", String.valueOf(job.seconds()));
    assertThat(job.exitCode()).as(job.output()).isZero();
    assertThat(cluster.fs().exists(new org.apache.hadoop.fs.Path(output + "/_SUCCESS"))).isTrue();
  }

  @Test
  void unusableArchiveExitsWithValidationCodeAndWritesNothing() throws Exception {
    String output = cluster.hdfs + "/data/never";
    // a path input would make Spark infer its schema with a job; the archive is checked before
    Cluster.Submit job =
        cluster.submit(
            "client",
            List.of(),
            "predict",
            "--model",
            cluster.hdfs + "/models/state_dict.pt",
            "--arg",
            "features",
            "--input",
            input,
            "--output",
            output);
    assertThat(job.exitCode()).as(job.output()).isEqualTo(ExitCodes.USAGE);
    assertThat(job.output()).contains("torch.save() file");
    assertThat(job.output()).as("no Spark job started").doesNotContain("Starting job");
    assertThat(cluster.fs().exists(new org.apache.hadoop.fs.Path(output))).isFalse();
  }

  /** graph-runtime's own prediction for one generated row. */
  private static double expected(long id) {
    float[] features = new float[512];
    for (int i = 1; i <= 512; i++) {
      features[i - 1] = (float) Math.sin(id * 0.37 + i);
    }
    Path archive = cluster.root().resolve("graph-runtime/src/test/resources/fixtures/mlp_small.pt");
    try (ModelHandle handle = ModelCache.shared().acquire(archive, DeviceSpec.CPU);
        ModelOutputs out =
            handle.newRunner().run("forward", List.of(HostTensor.ofFloats(features, 1, 512)))) {
      return out.get(0).toDoubles()[0];
    }
  }
}
