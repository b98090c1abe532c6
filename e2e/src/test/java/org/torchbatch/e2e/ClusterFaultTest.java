package org.torchbatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.torchbatch.runtime.cli.ExitCodes;

/** Executors and workers that die mid-job, bad rows and failing models, GPU scheduling shape. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultTest {
  private static final int ROWS = 40_000;
  private static Cluster cluster;
  private static String model;
  private static String input;

  @BeforeAll
  static void start() throws Exception {
    cluster = new Cluster();
    Path fixtures = cluster.root().resolve("graph-runtime/src/test/resources/fixtures");
    model = cluster.hdfs + "/models/mlp_small.pt";
    cluster
        .fs()
        .copyFromLocalFile(
            new org.apache.hadoop.fs.Path(fixtures.resolve("mlp_small.pt").toString()),
            new org.apache.hadoop.fs.Path(model));
    cluster
        .fs()
        .copyFromLocalFile(
            new org.apache.hadoop.fs.Path(fixtures.resolve("calls_unused.pt").toString()),
            new org.apache.hadoop.fs.Path(cluster.hdfs + "/models/calls_unused.pt"));
    input = cluster.hdfs + "/data/input";
    Cluster.Submit made =
        cluster.submit(
            "client",
            List.of(),
            "sql",
            "INSERT OVERWRITE DIRECTORY '"
                + input
                + "' USING parquet SELECT id,"
                + " IF(id % 1000 = 7, NULL, transform(sequence(1, 512), i -> CAST(sin(id * 0.37 + i) AS FLOAT))) AS features"
                + " FROM range(0, "
                + ROWS
                + ", 1, 8)");
    assertThat(made.exitCode()).as(made.output()).isZero();
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Cluster.Submit slowJob(String output) throws Exception {
    return cluster.submit(
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
        "--batch-size",
        "8",
        "--null-policy",
        "null",
        "--mode",
        "overwrite");
  }

  private static void assertEveryRowOnce(String output) throws Exception {
    Cluster.Submit check =
        cluster.submit(
            "client",
            List.of(),
            "sql",
            "SELECT count(*), count(DISTINCT id), count(prediction) FROM parquet.`" + output + "`");
    assertThat(check.exitCode()).as(check.output()).isZero();
    assertThat(check.output()).contains(ROWS + " | " + ROWS + " | " + (ROWS - ROWS / 1000));
  }

  /**
   * An executor JVM of an application started after {@code since}, once a task on it has set up its
   * model (its stderr says where the model runs).
   */
  private static Optional<ProcessHandle> executorRunningTasks(long since) throws Exception {
    Path work = cluster.root().resolve("e2e/target/cluster");
    try (Stream<Path> logs = Files.walk(work)) {
      Optional<String> app =
          logs.filter(p -> p.getFileName().toString().equals("stderr"))
              .filter(p -> p.toFile().lastModified() >= since)
              .filter(p -> read(p).contains("runs on cpu"))
              .map(p -> p.getParent().getParent().getFileName().toString())
              .findFirst();
      if (app.isEmpty()) {
        return Optional.empty();
      }
      return ProcessHandle.allProcesses()
          .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
          .filter(p -> p.info().commandLine().orElse("").contains(app.get()))
          .findFirst();
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  @Test
  @Order(1)
  void nullsFollowThePolicyAndAThrowingModelKeepsThePreviousOutput() throws Exception {
    String output = cluster.hdfs + "/data/kept";
    Cluster.Submit first =
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
            "--null-policy",
            "null");
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertEveryRowOnce(output);
    Cluster.Submit failing =
        cluster.submit(
            "client",
            List.of("spark.task.maxFailures=1"),
            "predict",
            "--model",
            cluster.hdfs + "/models/calls_unused.pt",
            "--shape",
            "1",
            "--arg",
            "array(coalesce(features[0], 0f))",
            "--keep",
            "id",
            "--input",
            input,
            "--output",
            output,
            "--mode",
            "overwrite");
    assertThat(failing.exitCode()).isEqualTo(ExitCodes.FAILED);
    assertThat(failing.output()).contains("annotated to be ignored and cannot be run");
    assertEveryRowOnce(output);
  }

  @Test
  @Order(2)
  void killedExecutorDoesNotLoseOrDuplicateRows(TestReporter report) throws Exception {
    report.publishEntry("clusterStartSeconds", String.valueOf(cluster.startSeconds));
    String output = cluster.hdfs + "/data/after-kill";
    CompletableFuture<Cluster.Submit> job =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return slowJob(output);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long since = System.currentTimeMillis();
    Optional<ProcessHandle> executor = Optional.empty();
    for (int i = 0; i < 600 && executor.isEmpty() && !job.isDone(); i++) {
      Thread.sleep(100);
      executor = executorRunningTasks(since);
    }
    assertThat(executor).as("an executor running the model").isPresent();
    executor.get().destroyForcibly();
    Cluster.Submit done = job.get();
    report.publishEntry("jobSecondsWithKilledExecutor", String.valueOf(done.seconds()));
    assertThat(done.exitCode()).as(done.output()).isZero();
    assertThat(done.output())
        .containsPattern("(?i)executor \\S+ removed: Command exited with code 137");
    assertEveryRowOnce(output);
  }

  @Test
  @Order(3)
  void tasksReceiveGpuAddressesFromSparkAndRunOnCpuWhenForced() throws Exception {
    String output = cluster.hdfs + "/data/gpu-shape";
    Cluster.Submit job =
        cluster.submit(
            "client",
            List.of(
                "spark.executor.resource.gpu.amount=1",
                "spark.task.resource.gpu.amount=1",
                "spark.executor.resource.gpu.discoveryScript="
                    + cluster.root().resolve("e2e/fake-gpus.sh")),
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
            "--device",
            "cpu",
            "--null-policy",
            "null");
    assertThat(job.exitCode()).as(job.output()).isZero();
    Path work = cluster.root().resolve("e2e/target/cluster");
    try (Stream<Path> logs = Files.walk(work)) {
      String executorLogs =
          logs.filter(p -> p.getFileName().toString().equals("stderr"))
              .map(ClusterFaultTest::read)
              .reduce("", String::concat);
      assertThat(executorLogs)
          .containsPattern("runs on cpu \\(device=cpu, task GPU addresses \\[[01]\\]\\)");
    }
  }

  @Test
  @Order(4)
  void stoppedWorkerDoesNotLoseOrDuplicateRows() throws Exception {
    String output = cluster.hdfs + "/data/after-worker-stop";
    CompletableFuture<Cluster.Submit> job =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return slowJob(output);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    long since = System.currentTimeMillis();
    Optional<ProcessHandle> executor = Optional.empty();
    for (int i = 0; i < 600 && executor.isEmpty() && !job.isDone(); i++) {
      Thread.sleep(100);
      executor = executorRunningTasks(since);
    }
    assertThat(executor).as("an executor running the model").isPresent();
    ProcessHandle worker = executor.get().parent().orElseThrow();
    assertThat(worker.info().commandLine().orElse("")).contains("deploy.worker.Worker");
    worker.destroy();
    Cluster.Submit done = job.get();
    assertThat(done.exitCode()).as(done.output()).isZero();
    assertThat(done.output())
        .containsPattern("(?i)(lost executor|executor \\S+ removed|worker .* removed)");
    assertEveryRowOnce(output);
  }
}
