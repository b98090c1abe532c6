package org.torchbatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;

/** What the fault tests wait for in a job under way: an executor running it, a committed task. */
final class RunningJobs {
  private RunningJobs() {}

  /**
   * Spark settings that keep a job's executors busy long enough to be interrupted (small splits)
   * and record what happened to its tasks in an event log of its own, named {@code name}.
   */
  static List<String> slowAndLogged(Cluster cluster, String name) throws IOException {
    Path events = eventLog(cluster, name);
    if (Files.exists(events)) {
      try (Stream<Path> old = Files.walk(events)) {
        old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    Files.createDirectories(events);
    return List.of(
        "spark.sql.files.maxPartitionBytes=2m",
        "spark.eventLog.enabled=true",
        "spark.eventLog.dir=" + events.toUri(),
        // one plain file, which EventLog reads as JSON lines
        "spark.eventLog.rolling.enabled=false",
        "spark.eventLog.compress=false");
  }

  /** An executor of the job, once a task on it has set up its model. */
  static ProcessHandle executorRunningTasks(Cluster cluster, Cluster.Running job) throws Exception {
    long since = System.currentTimeMillis();
    for (int i = 0; i < 600 && job.process().isAlive(); i++) {
      Optional<ProcessHandle> executor = executorOfAppStartedAfter(cluster, since);
      if (executor.isPresent()) {
        return executor.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no executor ran the model while the job ran");
  }

  /** Waits until a file whose path {@code matches} appears under {@code dir} while the job runs. */
  static void awaitFile(FileSystem fs, String dir, Predicate<String> matches, Cluster.Running job)
      throws Exception {
    for (int i = 0; i < 1200 && job.process().isAlive(); i++) {
      if (fs.exists(new org.apache.hadoop.fs.Path(dir))) {
        var files = fs.listFiles(new org.apache.hadoop.fs.Path(dir), true);
        while (files.hasNext()) {
          if (matches.test(files.next().getPath().toString())) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no task of the job committed output under " + dir + " while it ran");
  }

  private static Optional<ProcessHandle> executorOfAppStartedAfter(Cluster cluster, long since)
      throws IOException {
    // the workers' folders only: HDFS, the metastore and the object store change files meanwhile
    try (Stream<Path> folders = Files.list(cluster.root().resolve("e2e/target/cluster"));
        Stream<Path> logs =
            folders
                .filter(p -> p.getFileName().toString().startsWith("work"))
                .flatMap(RunningJobs::walk)) {
      Optional<String> app =
          logs.filter(p -> p.getFileName().toString().equals("stderr"))
              .filter(p -> p.toFile().lastModified() >= since)
              .filter(p -> read(p).contains(" on cpu (device="))
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

  private static Stream<Path> walk(Path folder) {
    try {
      return Files.walk(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path eventLog(Cluster cluster, String name) {
    return cluster.root().resolve("e2e/target/eventlog/" + name);
  }

  /** The job logged as {@code name} lost tasks with an executor and ran them again. */
  static void assertTasksLostAndRunAgain(Cluster cluster, String name) throws IOException {
    EventLog log = EventLog.read(eventLog(cluster, name));
    assertThat(log.lost()).as("tasks lost with the executor").isNotEmpty();
    assertThat(log.lostTasksRanAgain())
        .as("lost %s, succeeded %s", log.lost(), log.succeeded())
        .isTrue();
  }

  static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      return "";
    }
  }
}
