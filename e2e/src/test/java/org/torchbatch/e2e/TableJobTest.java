package org.torchbatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;

/**
 * Tables of Spark's catalog with a Hive metastore (spark-hive, embedded Derby), their files on
 * HDFS: a partitioned table scored into another, then one day scored again with {@code
 * overwrite-partitions} while an executor is killed.
 */
class TableJobTest {
  private static final int ROWS = 20_000;
  private static final String DAY = "2026-12-04";
  private static final String OTHER_DAY = "2026-12-05";
  private static Cluster cluster;
  private static List<String> metastore;
  private static String scores;

  @BeforeAll
  static void start() throws Exception {
    cluster = Cluster.shared();
    cluster.uploadFixture("mlp_small.pt");
    cluster.uploadFixture("mlp_deep.pt");
    Path derby = cluster.root().resolve("e2e/target/cluster/metastore_db");
    metastore =
        List.of(
            "spark.sql.catalogImplementation=hive",
            "spark.sql.warehouse.dir=" + cluster.hdfs + "/warehouse",
            "spark.hadoop.javax.jdo.option.ConnectionURL=jdbc:derby:;databaseName="
                + derby
                + ";create=true");
    scores = cluster.hdfs + "/warehouse/lake.db/scores";
    // ids below ROWS / 2 are DAY's, the others OTHER_DAY's
    Cluster.Submit made =
        cluster.submit(
            "client",
            metastore,
            "sql",
            "CREATE DATABASE lake; CREATE TABLE lake.events USING parquet PARTITIONED BY (dt) AS"
                + " SELECT id, "
                + ClusterJobTest.FEATURES
                + " AS features, IF(id < "
                + ROWS / 2
                + ", '"
                + DAY
                + "', '"
                + OTHER_DAY
                + "') AS dt FROM range(0, "
                + ROWS
                + ", 1, 8)");
    assertThat(made.exitCode()).as(made.output()).isZero();
  }

  private static String model(String file) {
    return cluster.hdfs + "/models/" + file;
  }

  private static List<String> predict(String model, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "predict",
                "--model",
                model(model),
                "--arg",
                "features",
                "--keep",
                "id,dt",
                "--input",
                "lake.events",
                "--output-table",
                "lake.scores"));
    args.addAll(List.of(extra));
    return args;
  }

  /** The files of one day's partition, by name, with their modification times. */
  private static Map<String, Long> files(String day) throws Exception {
    Map<String, Long> files = new TreeMap<>();
    RemoteIterator<LocatedFileStatus> listed =
        cluster.fs().listFiles(new org.apache.hadoop.fs.Path(scores + "/dt=" + day), false);
    while (listed.hasNext()) {
      LocatedFileStatus file = listed.next();
      files.put(file.getPath().getName(), file.getModificationTime());
    }
    return files;
  }

  private static void assertDayScoredOnceBy(String archive) throws Exception {
    OutputContent.assertExactlyOnce(
        cluster.fs(), scores + "/dt=" + DAY, cluster.fixture(archive), ROWS / 2, id -> false);
  }

  @Test
  void aDayScoredAgainWhileAnExecutorIsKilledIsReplacedExactlyOnceAndTheOtherDayIsUntouched(
      TestReporter report) throws Exception {
    Cluster.Submit first =
        cluster.submit(
            "client",
            metastore,
            predict("mlp_deep.pt", "--partition-by", "dt").toArray(new String[0]));
    assertThat(first.exitCode()).as(first.output()).isZero();
    assertDayScoredOnceBy("mlp_deep.pt");
    Map<String, Long> otherDay = files(OTHER_DAY);
    assertThat(otherDay).isNotEmpty();

    // the nightly rerun of one day, with a new model, slow enough to lose an executor mid-way
    List<String> conf = new ArrayList<>(metastore);
    conf.addAll(RunningJobs.slowAndLogged(cluster, "table-rerun"));
    Cluster.Running rerun =
        cluster.start(
            "client",
            conf,
            predict(
                    "mlp_small.pt",
                    "--where",
                    "dt = '" + DAY + "'",
                    "--mode",
                    "overwrite-partitions",
                    "--batch-size",
                    "8")
                .toArray(new String[0]));
    ProcessHandle executor = RunningJobs.executorRunningTasks(cluster, rerun);
    RunningJobs.awaitFile(
        cluster.fs(),
        scores,
        path -> path.contains("/.spark-staging-") && path.contains("/part-"),
        rerun);
    executor.destroyForcibly();
    Cluster.Submit done = rerun.await();
    Cluster.record(report, "tableRerunSecondsWithKilledExecutor", done.seconds());
    assertThat(done.exitCode()).as(done.output()).isZero();
    assertThat(done.output())
        .containsPattern("(?i)executor \\S+ removed: Command exited with code 137");
    RunningJobs.assertTasksLostAndRunAgain(cluster, "table-rerun");

    assertDayScoredOnceBy("mlp_small.pt");
    assertThat(files(OTHER_DAY)).as("the other day's files").isEqualTo(otherDay);
  }
}
