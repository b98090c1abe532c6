package org.torchbatch.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * The e2e cluster from {@code e2e/cluster}: started once for the whole suite, submits jobs to it,
 * stopped when the test JVM exits (and by e2e/run's trap).
 */
final class Cluster implements AutoCloseable {
  private static Cluster shared;

  private final Path root = Path.of(System.getProperty("torchbatch.root")).toAbsolutePath();
  private final Path sparkHome = Path.of(System.getProperty("spark.home"));
  private final Path logs = root.resolve("e2e/target/submits");
  final String master;
  final String hdfs;

  /** The S3 bucket (s3proxy) as an S3A URI. */
  final String s3;

  private final Properties env = new Properties();
  final long startSeconds;
  private int submits;

  /** The suite's cluster, started by the first test class that asks. */
  static synchronized Cluster shared() throws Exception {
    if (shared == null) {
      shared = new Cluster();
      Cluster started = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> started.stopQuietly()));
    }
    return shared;
  }

  private void stopQuietly() {
    try {
      close();
    } catch (Exception e) {
      System.err.println("e2e/cluster stop failed: " + e);
    }
  }

  private Cluster() throws Exception {
    Files.createDirectories(logs);
    Process start = script("start").start();
    String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (start.waitFor() != 0) {
      throw new IllegalStateException("e2e/cluster start failed:\n" + out);
    }
    try (InputStream in = Files.newInputStream(root.resolve("e2e/target/cluster/cluster.env"))) {
      env.load(in);
    }
    master = env.getProperty("SPARK_MASTER");
    hdfs = env.getProperty("HDFS");
    s3 = "s3a://" + env.getProperty("S3_BUCKET");
    startSeconds = Long.parseLong(env.getProperty("STARTED_IN_SECONDS"));
  }

  private ProcessBuilder script(String command) {
    return new ProcessBuilder(root.resolve("e2e/cluster").toString(), command)
        .redirectErrorStream(true);
  }

  FileSystem fs() throws IOException {
    return FileSystem.get(URI.create(hdfs), new Configuration());
  }

  /** S3A's settings for the cluster's S3 endpoint, as a job's {@code spark.hadoop.*} confs. */
  List<String> s3Conf() {
    return List.of(
        "spark.hadoop.fs.s3a.endpoint=" + env.getProperty("S3_ENDPOINT"),
        "spark.hadoop.fs.s3a.endpoint.region=us-east-1",
        "spark.hadoop.fs.s3a.path.style.access=true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled=false",
        // s3proxy refuses the checksum header the AWS SDK sends with bulk deletes
        "spark.hadoop.fs.s3a.multiobjectdelete.enable=false",
        "spark.hadoop.fs.s3a.access.key=" + env.getProperty("S3_ACCESS_KEY"),
        "spark.hadoop.fs.s3a.secret.key=" + env.getProperty("S3_SECRET_KEY"));
  }

  /** The S3 bucket through S3A, for the test's own reads and writes. */
  FileSystem s3fs() throws IOException {
    Configuration conf = new Configuration();
    for (String setting : s3Conf()) {
      String[] keyValue = setting.substring("spark.hadoop.".length()).split("=", 2);
      conf.set(keyValue[0], keyValue[1]);
    }
    return FileSystem.get(URI.create(s3), conf);
  }

  /** The result of one spark-submit: its exit code and everything it printed. */
  record Submit(int exitCode, String output, long seconds) {}

  /** Runs {@code spark-submit} (org.apache.spark.deploy.SparkSubmit, as bin/spark-submit does). */
  Submit submit(String deployMode, List<String> sparkConf, String... jobArgs) throws Exception {
    return start(deployMode, sparkConf, jobArgs).await();
  }

  /** A spark-submit under way: its process (the driver, in client mode) and its log. */
  record Running(Process process, Path log, long begin) {
    Submit await() throws Exception {
      if (!process.waitFor(6, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("spark-submit timed out; log " + log);
      }
      return new Submit(
          process.exitValue(), Files.readString(log), (System.nanoTime() - begin) / 1_000_000_000);
    }
  }

  /** Starts {@code spark-submit} to the standalone master and returns at once. */
  Running start(String deployMode, List<String> sparkConf, String... jobArgs) throws Exception {
    return start(master, deployMode, sparkConf, jobArgs);
  }

  /** {@code spark-submit} to the one-node YARN, HDFS its default filesystem. */
  Submit submitToYarn(String deployMode, List<String> sparkConf, String... jobArgs)
      throws Exception {
    List<String> conf =
        new ArrayList<>(
            List.of(
                // the node shares this machine's Spark home: nothing to upload per application
                "spark.yarn.jars=local:" + sparkHome.resolve("jars") + "/*",
                "spark.executor.instances=2",
                "spark.yarn.am.memory=512m",
                // a failed job is the scheduler's to retry, not YARN's (as
                // conf/spark-defaults.conf)
                "spark.yarn.maxAppAttempts=1"));
    conf.addAll(sparkConf);
    return start("yarn", deployMode, conf, jobArgs).await();
  }

  private Running start(String master, String deployMode, List<String> sparkConf, String... jobArgs)
      throws Exception {
    // what bin/spark-submit's launcher opens (the Hive metastore client needs java.net)
    String opens =
        "--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
            + " --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED"
            + " --add-opens=java.base/java.lang.invoke=ALL-UNNAMED"
            + " --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED"
            + " --add-opens=java.base/sun.nio.cs=ALL-UNNAMED"
            + " --add-opens=java.base/sun.util.calendar=ALL-UNNAMED"
            + " --add-opens=java.base/sun.security.action=ALL-UNNAMED"
            + " -Dio.netty.tryReflectionSetAccessible=true";
    List<String> command = new ArrayList<>(List.of("java", "-Xmx768m"));
    command.addAll(List.of(opens.split(" ")));
    command.addAll(
        List.of(
            "-cp",
            // bin/spark-class puts HADOOP_CONF_DIR on the classpath too
            (master.equals("yarn") ? env.getProperty("YARN_CONF_DIR") + ":" : "")
                + sparkHome.resolve("conf")
                + ":"
                + sparkHome.resolve("jars")
                + "/*",
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            master,
            "--deploy-mode",
            deployMode,
            "--class",
            "org.torchbatch.job.TorchbatchJob",
            "--conf",
            "spark.executor.memory=768m",
            "--conf",
            "spark.executor.cores=1",
            "--conf",
            "spark.driver.memory=768m",
            "--conf",
            "spark.executor.extraJavaOptions=" + opens,
            "--conf",
            "spark.driver.extraJavaOptions=" + opens,
            "--conf",
            "spark.executorEnv.DJL_OFFLINE=true",
            "--conf",
            "spark.standalone.submit.waitAppCompletion=true"));
    for (String conf : sparkConf) {
      command.addAll(List.of("--conf", conf));
    }
    command.add(root.resolve("spark-job/target/torchbatch-job.jar").toString());
    command.addAll(List.of(jobArgs));
    Path log = logs.resolve("submit-" + (++submits) + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            // what a driver leaves in its working folder (Derby's log) stays under target/
            .directory(logs.toFile());
    builder.environment().put("SPARK_HOME", sparkHome.toString());
    builder.environment().put("SPARK_SCALA_VERSION", "2.13");
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
    if (master.equals("yarn")) {
      builder.environment().put("HADOOP_CONF_DIR", env.getProperty("YARN_CONF_DIR"));
    }
    long begin = System.nanoTime();
    return new Running(builder.start(), log, begin);
  }

  /**
   * Records a timing in the test report: as a JUnit report entry and on the test's output, which
   * Surefire keeps in {@code surefire-reports/<test>-output.txt}.
   */
  static void record(org.junit.jupiter.api.TestReporter report, String key, long seconds) {
    report.publishEntry(key, String.valueOf(seconds));
    System.out.println("e2e timing: " + key + " = " + seconds + " s");
  }

  Path root() {
    return root;
  }

  /** Each executor's stderr of the application a client-mode submit ran, by executor folder. */
  Map<String, String> executorLogs(Submit submit) throws IOException {
    Matcher app = Pattern.compile("app-\\d{14}-\\d{4}").matcher(submit.output());
    if (!app.find()) {
      throw new IllegalStateException("no application ID in the submit's log:\n" + submit.output());
    }
    Map<String, String> logs = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root.resolve("e2e/target/cluster"))) {
      for (Path stderr :
          files
              .filter(p -> p.getFileName().toString().equals("stderr"))
              .filter(p -> p.getParent().getParent().getFileName().toString().equals(app.group()))
              .toList()) {
        logs.put(stderr.getParent().toString(), Files.readString(stderr));
      }
    }
    return logs;
  }

  /** Copies a fixture archive to {@code hdfs:///models/FILE} and returns its URI. */
  String uploadFixture(String file) throws IOException {
    return uploadFixture(fs(), hdfs, file);
  }

  /** Copies a fixture archive to {@code BASE/models/FILE} on {@code fs} and returns its URI. */
  String uploadFixture(FileSystem fs, String base, String file) throws IOException {
    String target = base + "/models/" + file;
    fs.copyFromLocalFile(
        new org.apache.hadoop.fs.Path(fixture(file).toString()),
        new org.apache.hadoop.fs.Path(target));
    return target;
  }

  /** A fixture archive of graph-runtime's tests, on this machine. */
  Path fixture(String file) {
    return root.resolve("graph-runtime/src/test/resources/fixtures/" + file);
  }

  /** The JSON document at {@code uri} on {@code fs} (a run's summary). */
  static JsonNode readJson(FileSystem fs, String uri) throws IOException {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(uri))) {
      return new ObjectMapper().readTree(in);
    }
  }

  /**
   * Writes {@code rows} rows of (id, features) as Parquet on HDFS, through {@code torchbatch sql}.
   */
  String writeInput(String name, String featuresSql, int rows, int partitions) throws Exception {
    return writeInput(hdfs, List.of(), name, featuresSql, rows, partitions);
  }

  /** {@link #writeInput} under {@code BASE/data/}, with the job's {@code sparkConf}. */
  String writeInput(
      String base,
      List<String> sparkConf,
      String name,
      String featuresSql,
      int rows,
      int partitions)
      throws Exception {
    String path = base + "/data/" + name;
    Submit made =
        submit(
            "client",
            sparkConf,
            "sql",
            "INSERT OVERWRITE DIRECTORY '"
                + path
                + "' USING parquet SELECT id, "
                + featuresSql
                + " AS features FROM range(0, "
                + rows
                + ", 1, "
                + partitions
                + ")");
    if (made.exitCode() != 0) {
      throw new IllegalStateException("could not write the input:\n" + made.output());
    }
    return path;
  }

  /**
   * {@code torchbatch predict} of {@code features}, keeping {@code id}, plus {@code extra} options.
   */
  Submit predict(
      String deployMode,
      List<String> sparkConf,
      String model,
      String input,
      String output,
      String... extra)
      throws Exception {
    return startPredict(deployMode, sparkConf, model, input, output, extra).await();
  }

  /** {@link #predict}, returning once spark-submit started. */
  Running startPredict(
      String deployMode,
      List<String> sparkConf,
      String model,
      String input,
      String output,
      String... extra)
      throws Exception {
    return start(deployMode, sparkConf, predictArgs(model, input, output, extra));
  }

  /** The job's arguments for {@link #predict}. */
  static String[] predictArgs(String model, String input, String output, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
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
                output));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  @Override
  public void close() throws Exception {
    script("stop").inheritIO().start().waitFor();
  }
}
