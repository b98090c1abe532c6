package org.torchbatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
    model = cluster.uploadFixture("mlp_small.pt");
    cluster.uploadFixture("calls_unused.pt");
    input =
        cluster.writeInput(
            "input", "IF(id % 1000 = 7, NULL, " + ClusterJobTest.FEATURES + ")", ROWS, 8);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** A job slow enough (batches of 8 rows) to be interrupted while its tasks run. */
  private static CompletableFuture<Cluster.Submit> startSlowJob(String output) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return cluster.predict(
                "client",
                List.of(),
                model,
                input,
                output,
                "--batch-size",
                "8",
                "--null-policy",
                "null",
                "--mode",
                "overwrite");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
  }

  /** An executor of the job, once a task on it has set up its model. */
  private static ProcessHandle executorRunningTasks(CompletableFuture<Cluster.Submit> job)
      throws Exception {
    long since = System.currentTimeMillis();
    for (int i = 0; i < 600 && !job.isDone(); i++) {
      Optional<ProcessHandle> executor = executorOfAppStartedAfter(since);
      if (executor.isPresent()) {
        return executor.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no executor ran the model while the job ran");
  }

  private static Optional<ProcessHandle> executorOfAppStartedAfter(long since) throws IOException {
    try (Stream<Path> logs = Files.walk(cluster.root().resolve("e2e/target/cluster"))) {
      Optional<String> app =
          logs.filter(p -> p.getFileName().toString().equals("stderr"))
              .filter(p -> p.toFile().lastModified() >= since)
              .filter(p -> read(p).contains("runs on cpu"))
              .map(p -> p.getParent().getParent().getFileName().toString())
              .findFirst();
      return app.flatMap(
          id ->
              ProcessHandle.allProcesses()
                  .filter(
                      p ->
                          p.info()
                              .commandLine()
                              .orElse("")
                              .contains("CoarseGrainedExecutorBackend"))
                  .filter(p -> p.info().commandLine().orElse("").contains(id))
                  .findFirst());
    }
  }

  private static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      return "";
    }
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

  @Test
  @Order(1)
  void nullsFollowThePolicyAndAThrowingModelKeepsThePreviousOutput() throws Exception {
    String output = cluster.hdfs + "/data/kept";
    Cluster.Submit first =
        cluster.predict("client", List.of(), model, input, output, "--null-policy", "null");
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
    Cluster.record(report, "clusterStartSeconds", cluster.startSeconds);
    String output = cluster.hdfs + "/data/after-kill";
    CompletableFuture<Cluster.Submit> job = startSlowJob(output);
    executorRunningTasks(job).destroyForcibly();
    Cluster.Submit done = job.get();
    Cluster.record(report, "jobSecondsWithKilledExecutor", done.seconds());
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
        cluster.predict(
            "client",
            List.of(
                "spark.executor.resource.gpu.amount=1",
                "spark.task.resource.gpu.amount=1",
                "spark.executor.resource.gpu.discoveryScript="
                    + cluster.root().resolve("e2e/fake-gpus.sh")),
            model,
            input,
            output,
            "--device",
            "cpu",
            "--null-policy",
            "null");
    assertThat(job.exitCode()).as(job.output()).isZero();
    try (Stream<Path> logs = Files.walk(cluster.root().resolve("e2e/target/cluster"))) {
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
  void stoppedWorkerDoesNotLoseOrDuplicateRows(TestReporter report) throws Exception {
    String output = cluster.hdfs + "/data/after-worker-stop";
    CompletableFuture<Cluster.Submit> job = startSlowJob(output);
    ProcessHandle worker = executorRunningTasks(job).parent().orElseThrow();
    assertThat(worker.info().commandLine().orElse("")).contains("deploy.worker.Worker");
    worker.destroy();
    Cluster.Submit done = job.get();
    Cluster.record(report, "jobSecondsWithStoppedWorker", done.seconds());
    assertThat(done.exitCode()).as(done.output()).isZero();
    assertThat(done.output())
        .containsPattern("(?i)(lost executor|executor \\S+ removed|worker .* removed)");
    assertEveryRowOnce(output);
  }
}
