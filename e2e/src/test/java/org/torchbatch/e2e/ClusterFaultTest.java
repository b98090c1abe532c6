package org.torchbatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestReporter;
import org.torchbatch.runtime.cli.ExitCodes;

/**
 * Executors, workers and drivers that die mid-job, proven by the event log and checked by content
 * against graph-runtime; a model replaced under a long-lived session; bad rows and failing models;
 * GPU scheduling shape.
 */
// last: it stops a worker of the shared cluster
@Order(Integer.MAX_VALUE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultTest {
  private static final int ROWS = 40_000;
  private static Cluster cluster;
  private static String model;
  private static String deep;
  private static String input;

  @BeforeAll
  static void start() throws Exception {
    cluster = Cluster.shared();
    model = cluster.uploadFixture("mlp_small.pt");
    deep = cluster.uploadFixture("mlp_deep.pt");
    cluster.uploadFixture("calls_unused.pt");
    input =
        cluster.writeInput(
            "input", "IF(id % 1000 = 7, NULL, " + ClusterJobTest.FEATURES + ")", ROWS, 8);
  }

  /**
   * A job slow enough (batches of 8 rows) to be interrupted while its tasks run, its event log in a
   * folder of its own.
   */
  private static Cluster.Running startSlowJob(String model, String output, String name)
      throws Exception {
    return cluster.startPredict(
        "client",
        RunningJobs.slowAndLogged(cluster, name),
        model,
        input,
        output,
        "--batch-size",
        "8",
        "--null-policy",
        "null",
        "--mode",
        "overwrite");
  }

  private static ProcessHandle executorRunningTasks(Cluster.Running job) throws Exception {
    return RunningJobs.executorRunningTasks(cluster, job);
  }

  /** Waits until a task of the job staging {@code output} has committed its part of it. */
  private static void awaitCommittedTask(String output, Cluster.Running job) throws Exception {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(output);
    String staging = "/." + target.getName() + ".torchbatch-";
    RunningJobs.awaitFile(
        cluster.fs(),
        target.getParent().toString(),
        path -> path.contains(staging) && path.contains("/task_") && path.contains("/part-"),
        job);
  }

  private static List<String> stagingBeside(String output) throws IOException {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(output);
    List<String> left = new java.util.ArrayList<>();
    for (var status : cluster.fs().listStatus(target.getParent())) {
      if (status.getPath().getName().startsWith("." + target.getName() + ".torchbatch-")) {
        left.add(status.getPath().getName());
      }
    }
    return left;
  }

  private static void assertExactlyOnce(String output, String archive) throws Exception {
    OutputContent.assertExactlyOnce(
        cluster.fs(), output, cluster.fixture(archive), ROWS, id -> id % 1000 == 7);
  }

  @Test
  @Order(1)
  void nullsFollowThePolicyAndAThrowingModelKeepsThePreviousOutput() throws Exception {
    String output = cluster.hdfs + "/data/kept";
    Cluster.Submit first =
        cluster.predict("client", List.of(), model, input, output, "--null-policy", "null");
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertExactlyOnce(output, "mlp_small.pt");
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
    assertExactlyOnce(output, "mlp_small.pt");
  }

  @Test
  @Order(2)
  void killedExecutorDoesNotLoseOrDuplicateRows(TestReporter report) throws Exception {
    Cluster.record(report, "clusterStartSeconds", cluster.startSeconds);
    String output = cluster.hdfs + "/data/after-kill";
    Cluster.Running job = startSlowJob(model, output, "executor-kill");
    ProcessHandle executor = executorRunningTasks(job);
    awaitCommittedTask(output, job);
    executor.destroyForcibly();
    Cluster.Submit done = job.await();
    Cluster.record(report, "jobSecondsWithKilledExecutor", done.seconds());
    assertThat(done.exitCode()).as(done.output()).isZero();
    assertThat(done.output())
        .containsPattern("(?i)executor \\S+ removed: Command exited with code 137");
    RunningJobs.assertTasksLostAndRunAgain(cluster, "executor-kill");
    assertExactlyOnce(output, "mlp_small.pt");
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
              .map(RunningJobs::read)
              .reduce("", String::concat);
      assertThat(executorLogs)
          .containsPattern(
              "runs hdfs://\\S+/models/mlp_small.pt \\(sha256 [0-9a-f]{64}\\) on cpu"
                  + " \\(device=cpu, task GPU addresses \\[[01]\\]\\)");
    }
  }

  @Test
  @Order(4)
  void stoppedWorkerDoesNotLoseOrDuplicateRows(TestReporter report) throws Exception {
    String output = cluster.hdfs + "/data/after-worker-stop";
    Cluster.Running job = startSlowJob(model, output, "worker-stop");
    ProcessHandle worker = executorRunningTasks(job).parent().orElseThrow();
    assertThat(worker.info().commandLine().orElse("")).contains("deploy.worker.Worker");
    awaitCommittedTask(output, job);
    worker.destroy();
    Cluster.Submit done = job.await();
    Cluster.record(report, "jobSecondsWithStoppedWorker", done.seconds());
    assertThat(done.exitCode()).as(done.output()).isZero();
    assertThat(done.output())
        .containsPattern("(?i)(lost executor|executor \\S+ removed|worker .* removed)");
    RunningJobs.assertTasksLostAndRunAgain(cluster, "worker-stop");
    assertExactlyOnce(output, "mlp_small.pt");
  }

  @Test
  @Order(5)
  void aDriverKilledMidJobLeavesTheOldOutputAndTheNextRunTheNewOne() throws Exception {
    String output = cluster.hdfs + "/data/after-driver-kill";
    Cluster.Submit old =
        cluster.predict("client", List.of(), deep, input, output, "--null-policy", "null");
    assertThat(old.exitCode()).as(old.output()).isZero();
    Cluster.Running job = startSlowJob(model, output, "driver-kill");
    awaitCommittedTask(output, job);
    job.process().destroyForcibly();
    job.process().waitFor();
    assertExactlyOnce(output, "mlp_deep.pt");
    assertThat(stagingBeside(output)).as("the killed run's staging").isNotEmpty();
    Cluster.Submit next =
        cluster.predict(
            "client",
            List.of(),
            model,
            input,
            output,
            "--null-policy",
            "null",
            "--mode",
            "overwrite");
    assertThat(next.exitCode()).as(next.output()).isZero();
    assertExactlyOnce(output, "mlp_small.pt");
    assertThat(stagingBeside(output)).isEmpty();
  }

  @Test
  @Order(6)
  void aModelReplacedOnHdfsIsTheNextQuerysInALongLivedSession() throws Exception {
    String swap = cluster.hdfs + "/models/swap.pt";
    cluster
        .fs()
        .copyFromLocalFile(
            false,
            true,
            new org.apache.hadoop.fs.Path(cluster.fixture("mlp_small.pt").toString()),
            new org.apache.hadoop.fs.Path(swap));
    String first = cluster.hdfs + "/data/swap-1";
    String second = cluster.hdfs + "/data/swap-2";
    String predict =
        " USING parquet SELECT id, predict('m', features) AS prediction FROM parquet.`"
            + input
            + "`";
    Path statements = Files.createTempFile("swap", ".sql");
    Files.writeString(
        statements,
        String.join(
            ";\n",
            "SET spark.torchbatch.model.m.path=" + swap,
            "SET spark.torchbatch.model.m.shapes=512",
            "SET spark.torchbatch.model.m.nullPolicy=null",
            "INSERT OVERWRITE DIRECTORY '" + first + "'" + predict,
            // time for the test to replace the model between the two queries
            "INSERT OVERWRITE DIRECTORY '"
                + cluster.hdfs
                + "/data/swap-wait' USING parquet"
                + " SELECT count(*) AS n FROM range(0, 20000000000, 1, 2)",
            "INSERT OVERWRITE DIRECTORY '" + second + "'" + predict));
    Cluster.Running session =
        cluster.start("client", List.of(), "sql", "--file", statements.toString());
    org.apache.hadoop.fs.Path done = new org.apache.hadoop.fs.Path(first + "/_SUCCESS");
    for (int i = 0; i < 1800 && session.process().isAlive() && !cluster.fs().exists(done); i++) {
      Thread.sleep(100);
    }
    assertThat(cluster.fs().exists(done)).as("the first query finished").isTrue();
    cluster
        .fs()
        .copyFromLocalFile(
            false,
            true,
            new org.apache.hadoop.fs.Path(cluster.fixture("mlp_deep.pt").toString()),
            new org.apache.hadoop.fs.Path(swap));
    Cluster.Submit ended = session.await();
    assertThat(ended.exitCode()).as(ended.output()).isZero();
    assertExactlyOnce(first, "mlp_small.pt");
    assertExactlyOnce(second, "mlp_deep.pt");
  }
}
