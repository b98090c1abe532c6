package org.torchbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.archive.ArchiveDigest;
import org.torchbatch.runtime.cli.ExitCodes;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;
import picocli.CommandLine;
import scala.jdk.javaapi.CollectionConverters;

/** The command line end to end on local[2]: options, exit codes, formats, modes, summary. */
class JobCliTest {
  private static final int ROWS = 300;
  @TempDir static Path dir;
  private static SparkSession spark;
  private static String input;
  private static final String MODEL = Fixtures.archive("linear_traced").toString();

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void data() {
    spark =
        SparkTestBase.localSession("torchbatch-job-tests")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    input = dir.resolve("input").toString();
    spark
        .sql(
            "SELECT id, CAST(id % 3 AS STRING) AS dt, transform(sequence(0, 3), i -> CAST(sin(id + i) AS FLOAT)) AS features,"
                + " IF(id = 7, NULL, array(CAST(id AS FLOAT), 1, 2, 3)) AS holes FROM range(0, "
                + ROWS
                + ", 1, 3)")
        .write()
        .parquet(input);
  }

  private int run(String... args) {
    CommandLine line = TorchbatchJob.commandLine();
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    return TorchbatchJob.execute(line, args);
  }

  /** A predict command line; options in {@code extra} replace the defaults of the same name. */
  private String[] predict(String output, String... extra) {
    List<String> given = List.of(extra);
    List<String> args = new ArrayList<>(List.of("predict"));
    String[][] defaults = {
      {"--input", input},
      {"--output", output},
      {"--model", MODEL},
      {"--shape", "4"},
      {"--arg", "features"},
      {"--keep", "id,dt"}
    };
    for (String[] option : defaults) {
      if (!given.contains(option[0])) {
        args.addAll(List.of(option));
      }
    }
    args.addAll(given);
    return args.toArray(new String[0]);
  }

  private static List<Row> read(String path) {
    return spark.read().parquet(path).orderBy("id").collectAsList();
  }

  /** In cluster mode spark-submit says only "failed": the summary says why, and with what code. */
  @Test
  void aFailedRunsSummaryCarriesItsExitCodeAndMessage() throws Exception {
    Path summary = dir.resolve("failed-summary.json");
    String missing = dir.resolve("nowhere").toString();
    assertThat(
            run(
                predict(
                    dir.resolve("failed").toString(),
                    "--input",
                    missing,
                    "--summary",
                    summary.toUri().toString())))
        .isEqualTo(ExitCodes.INPUT_NOT_FOUND);
    JsonNode json = new ObjectMapper().readTree(summary.toFile());
    assertThat(json.path("exitCode").asInt()).isEqualTo(ExitCodes.INPUT_NOT_FOUND);
    assertThat(json.path("message").asText()).contains(missing).contains("does not exist");
    assertThat(json.path("model").path("sha256").asText()).hasSize(64);
  }

  @Test
  void predictsEveryRowOnceWithPassthroughSuccessMarkerAndSummary() throws Exception {
    String output = dir.resolve("basic").toString();
    Path summary = dir.resolve("basic-summary.json");
    assertThat(run(predict(output, "--summary", summary.toString()))).as(err.toString()).isZero();

    List<Row> rows = read(output);
    assertThat(rows).hasSize(ROWS);
    assertThat(rows.stream().map(r -> r.getLong(0)).distinct().count()).isEqualTo(ROWS);
    assertThat(spark.read().parquet(output).columns()).containsExactly("id", "dt", "prediction");
    assertThat(Files.exists(Path.of(output, "_SUCCESS"))).isTrue();
    // the same model through SQL, declared apart from the job (which declares none in the session)
    spark.conf().set("spark.torchbatch.model.expected.path", MODEL);
    spark.conf().set("spark.torchbatch.model.expected.shapes", "4");
    List<Row> expected =
        spark
            .sql(
                "SELECT id, predict('expected', features) FROM parquet.`" + input + "` ORDER BY id")
            .collectAsList();
    for (int i = 0; i < ROWS; i++) {
      assertThat(rows.get(i).getList(2)).isEqualTo(expected.get(i).getList(1));
    }
    // torchbatch's Parquet reader and writer (the defaults) and Spark's give the same rows
    String viaSpark = dir.resolve("basic-spark-reader").toString();
    assertThat(run(predict(viaSpark, "--parquet-reader", "spark", "--parquet-writer", "spark")))
        .isZero();
    assertThat(read(viaSpark)).isEqualTo(rows);
    JsonNode json = new ObjectMapper().readTree(summary.toFile());
    assertThat(json.path("rowsIn").asLong()).isEqualTo(ROWS);
    assertThat(json.path("rowsOut").asLong()).isEqualTo(ROWS);
    assertThat(json.path("outputFiles").asLong()).isPositive();
    assertThat(json.path("outputBytes").asLong()).isPositive();
    assertThat(json.path("spark").asText()).isEqualTo("4.2.0");
    assertThat(json.path("exitCode").asInt()).isZero();
    assertThat(json.path("phaseSeconds").has("predict-and-write")).isTrue();
    assertThat(json.path("model").path("path").asText()).isEqualTo(MODEL);
    assertThat(json.path("model").path("sha256").asText())
        .isEqualTo(ArchiveDigest.sha256(Path.of(MODEL)));
    // model scores are written plain; the kept columns keep Parquet's dictionary
    assertThat(encodings(output, "prediction.list.element"))
        .doesNotContain(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
    assertThat(encodings(output, "dt"))
        .containsAnyOf(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
  }

  /** The encodings of one column in every Parquet file of {@code output}. */
  private static Set<Encoding> encodings(String output, String column) throws IOException {
    Set<Encoding> found = EnumSet.noneOf(Encoding.class);
    try (var files = Files.list(Path.of(output))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        try (ParquetFileReader reader =
            ParquetFileReader.open(
                HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(file.toString()), new Configuration()))) {
          for (BlockMetaData block : reader.getFooter().getBlocks()) {
            for (ColumnChunkMetaData chunk : block.getColumns()) {
              if (chunk.getPath().toDotString().equals(column)) {
                found.addAll(chunk.getEncodings());
              }
            }
          }
        }
      }
    }
    assertThat(found).as("column " + column + " in " + output).isNotEmpty();
    return found;
  }

  @Test
  void exitCodesTellSchedulersWhatWentWrong() {
    String output = dir.resolve("codes").toString();
    assertThat(run("predict", "--input", input, "--output", output)).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--model is required");
    assertThat(run(predict(output).clone())).isZero();
    assertThat(run(predict(output))).isEqualTo(ExitCodes.OUTPUT_EXISTS);
    assertThat(err.toString()).contains("--mode overwrite");
    assertThat(
            run(predict(dir.resolve("x").toString(), "--input", dir.resolve("nowhere").toString())))
        .as(() -> err.toString())
        .isEqualTo(ExitCodes.INPUT_NOT_FOUND);
    assertThat(run(predict(dir.resolve("y").toString(), "--keep", "id,missing")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--keep names columns the input lacks: [missing]");
    assertThat(
            run(
                predict(
                    dir.resolve("z").toString(),
                    "--model",
                    Fixtures.path("state_dict.pt").toString())))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("torch.save() file");
    assertThat(Files.exists(dir.resolve("z"))).isFalse();
    assertThat(run(predict(dir.resolve("w").toString(), "--arg", "features", "--arg", "features")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run(predict(dir.resolve("v").toString(), "--arg", "holes").clone()))
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("null policy is fail").contains("--null-policy=null");
    assertThat(run(predict(dir.resolve("s").toString(), "--shape", "5")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("example input of zeros")
        .contains("set --shape and --dtype");
    assertThat(run(predict(dir.resolve("u").toString(), "--parquet-reader", "fast")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("--parquet-reader must be one of torchbatch, spark, got 'fast'");
    assertThat(run(predict(dir.resolve("t").toString(), "--parquet-writer", "fast")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("--parquet-writer must be one of torchbatch, spark, got 'fast'");
    assertThat(Files.exists(dir.resolve("t"))).isFalse();
  }

  @Test
  void overwriteIsIdempotentAndAFailedRunKeepsThePreviousOutput() {
    String output = dir.resolve("rerun").toString();
    assertThat(run(predict(output, "--mode", "overwrite"))).isZero();
    assertThat(run(predict(output, "--mode", "overwrite"))).isZero();
    assertThat(read(output)).hasSize(ROWS);
    String failing = Fixtures.archive("calls_unused").toString();
    assertThat(
            run(
                predict(
                    output,
                    "--mode",
                    "overwrite",
                    "--model",
                    failing,
                    "--shape",
                    "1",
                    "--arg",
                    "array(features[0])")))
        .as(() -> err.toString())
        .isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("annotated to be ignored and cannot be run");
    assertThat(read(output)).hasSize(ROWS);
    assertThat(spark.read().parquet(output).columns()).contains("prediction");
  }

  @Test
  void appendPartitionByAndOtherFormats() throws Exception {
    String output = dir.resolve("parts").toString();
    assertThat(run(predict(output, "--partition-by", "dt"))).isZero();
    assertThat(Files.isDirectory(Path.of(output, "dt=0"))).isTrue();
    assertThat(run(predict(output, "--partition-by", "dt", "--mode", "append"))).isZero();
    assertThat(spark.read().parquet(output).count()).isEqualTo(2L * ROWS);

    String json = dir.resolve("as-json").toString();
    assertThat(
            run(
                predict(
                    json, "--output-format", "json", "--null-policy", "null", "--arg", "holes")))
        .isZero();
    List<Row> rows = spark.read().json(json).orderBy("id").collectAsList();
    assertThat(rows).hasSize(ROWS);
    assertThat(rows.get(7).isNullAt(rows.get(7).fieldIndex("prediction"))).isTrue();
  }

  @Test
  void configFileAndSparkConfFillWhatTheCommandLineLeavesOut() throws Exception {
    Path config = dir.resolve("job.properties");
    Files.writeString(
        config, "model=" + MODEL + "\nshape=4\narg=features\noutputs=from_file\nbatch-size=7\n");
    spark.conf().set("spark.torchbatch.job.keep", "id");
    try {
      String output = dir.resolve("configured").toString();
      assertThat(
              run(
                  "predict",
                  "--config",
                  config.toString(),
                  "--outputs",
                  "from_cli",
                  "--input",
                  input,
                  "--output",
                  output))
          .as(err.toString())
          .isZero();
      assertThat(spark.read().parquet(output).columns()).containsExactly("id", "from_cli");
      assertThat(CollectionConverters.asJava(spark.conf().getAll()).keySet())
          .as("the job declares its model in no session conf")
          .noneMatch(key -> key.startsWith("spark.torchbatch.model.job."));
    } finally {
      spark.conf().unset("spark.torchbatch.job.keep");
    }
    // Spark conf still reaches the job's model for what the job has no option for
    spark.conf().set("spark.torchbatch.model.job.maxBatchBytes", "lots");
    try {
      assertThat(run(predict(dir.resolve("never").toString()))).isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString())
          .contains("spark.torchbatch.model.job.maxBatchBytes must be a size");
    } finally {
      spark.conf().unset("spark.torchbatch.model.job.maxBatchBytes");
    }
    Files.writeString(config, "batch-size=seven\n");
    assertThat(run("predict", "--config", config.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("batch-size (in " + config + ") must be a positive integer");
    Files.writeString(config, "modle=typo\n");
    assertThat(run("predict", "--config", config.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("Unknown option modle in config file")
        .contains("did you mean model?");
    Files.writeString(config, "mode=overwrite-partition\n");
    assertThat(run("predict", "--config", config.toString())).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("mode (in " + config + ") must be one of error-if-exists, overwrite, append,");
    spark.conf().set("spark.torchbatch.job.kep", "id");
    try {
      assertThat(run("predict", "--config", config.toString())).isEqualTo(ExitCodes.USAGE);
      assertThat(err.toString()).contains("did you mean spark.torchbatch.job.keep?");
    } finally {
      spark.conf().unset("spark.torchbatch.job.kep");
    }
  }

  @Test
  void csvInStackedScalarColumnsOrcOut() throws Exception {
    Path csv = dir.resolve("scalars.csv");
    StringBuilder text = new StringBuilder("id,a,b,c,d\n");
    for (int i = 0; i < 50; i++) {
      text.append(i).append(',').append(i * 0.5).append(",1.5,-2,").append(i % 3).append('\n');
    }
    Files.writeString(csv, text.toString());
    String output = dir.resolve("from-csv").toString();
    assertThat(
            run(
                predict(
                    output,
                    "--input",
                    csv.toString(),
                    "--input-format",
                    "csv",
                    "--output-format",
                    "orc",
                    "--arg",
                    "array(a, b, c, d)",
                    "--dtype",
                    "float32",
                    "--keep",
                    "id",
                    "--outputs",
                    "score")))
        .as(() -> err.toString())
        .isZero();
    List<Row> rows = spark.read().orc(output).orderBy("id").collectAsList();
    assertThat(rows).hasSize(50);
    assertThat(rows.get(0).schema().fieldNames()).containsExactly("id", "score");
    assertThat(rows.get(0).getList(1)).hasSize(4);
  }

  @Test
  void outputsNameADictsKeysInTheUsersOrder() {
    String output = dir.resolve("dict-keys").toString();
    String[] args =
        predict(
            output,
            "--model",
            Fixtures.archive("dict_output").toString(),
            "--arg",
            "slice(features, 1, 3)",
            "--shape",
            "3",
            "--keep",
            "id",
            "--outputs",
            "probs,label");
    assertThat(run(args)).as(() -> err.toString()).isZero();
    List<Row> rows = read(output);
    assertThat(rows.get(0).schema().fieldNames()).containsExactly("id", "probs", "label");
    assertThat(rows.get(0).getList(1)).hasSize(2);
    float[] probs = {
      ((Float) rows.get(0).getList(1).get(0)), (Float) rows.get(0).getList(1).get(1)
    };
    assertThat(rows.get(0).getLong(2)).isEqualTo(probs[1] > probs[0] ? 1L : 0L);

    String[] unknown =
        predict(
            dir.resolve("dict-unknown").toString(),
            "--model",
            Fixtures.archive("dict_output").toString(),
            "--arg",
            "slice(features, 1, 3)",
            "--shape",
            "3",
            "--outputs",
            "score,label");
    assertThat(run(unknown)).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("without the key 'score'").contains("[label, probs]");
  }

  @Test
  void rowShapesAreLearnedFromTheDataWhenNeitherArchiveNorUserGivesThem() {
    // linear_traced was saved by PyTorch 1.13: its archive records no example input
    String output = dir.resolve("learned-shape").toString();
    String[] args = {
      "predict",
      "--input",
      input,
      "--output",
      output,
      "--model",
      MODEL,
      "--arg",
      "features",
      "--keep",
      "id"
    };
    assertThat(run(args)).as(() -> err.toString()).isZero();
    String given = dir.resolve("given-shape").toString();
    assertThat(run(predict(given, "--keep", "id"))).isZero();
    assertThat(read(output)).isEqualTo(read(given));

    String nested = dir.resolve("learned-nested").toString();
    String[] nestedArgs = {
      "predict",
      "--input",
      input,
      "--output",
      nested,
      "--model",
      MODEL,
      "--arg",
      "array(features)",
      "--keep",
      "id"
    };
    assertThat(run(nestedArgs)).as(() -> err.toString()).isZero();
    Row first = read(nested).get(0);
    assertThat(first.getList(1)).hasSize(1);
    assertThat(((scala.collection.Seq<?>) first.getList(1).get(0)).size()).isEqualTo(4);
  }

  @Test
  void anOutputThatWouldDestroyOrPolluteTheInputIsRefusedBeforeAnyWork() throws IOException {
    Path lake = dir.resolve("lake");
    String lakeInput = lake.resolve("in").toString();
    spark.read().parquet(input).write().parquet(lakeInput);
    spark.read().parquet(lakeInput).createOrReplaceTempView("lake_events");
    String[] parent = predict(lake.toString(), "--input", lakeInput, "--mode", "overwrite");
    assertThat(run(parent)).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("contains the input").contains(lakeInput);
    assertThat(run(predict(lakeInput, "--input", lakeInput, "--mode", "overwrite")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains(" is the input");
    String inside = lake.resolve("in/preds").toString();
    // reading a Parquet path infers its schema with a Spark job; a view's is known: none runs
    long jobs = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    assertThat(run(predict(inside, "--input", "lake_events"))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains(" lies inside the input");
    assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(null))
        .as("no Spark job ran")
        .hasSize((int) jobs);
    assertThat(spark.read().parquet(lakeInput).count()).isEqualTo(ROWS);
    assertThat(Files.exists(lake.resolve("in/preds"))).isFalse();
  }

  /** 40 rows; the model rejects 3, 17 and 18 (negative), 25 is too wide, 30 is null. */
  private static String amounts() {
    String path = dir.resolve("amounts").toString();
    if (!Files.exists(Path.of(path))) {
      spark
          .sql(
              "SELECT id, CASE WHEN id IN (3, 17, 18) THEN array(-1F, 1F)"
                  + " WHEN id = 25 THEN array(1F, 1F, 1F) WHEN id = 30 THEN NULL"
                  + " ELSE array(CAST(id AS FLOAT), 1F) END AS x FROM range(0, 40, 1, 2)")
          .write()
          .parquet(path);
    }
    return path;
  }

  /** The amounts through the model that rejects negative ones, with {@code extra} options. */
  private String[] amountsThroughRejects(String output, String... extra) {
    return throughRejects(amounts(), "id", output, extra);
  }

  /** {@code input}'s column x through the model that rejects negative amounts. */
  private String[] throughRejects(String input, String keep, String output, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--input",
                input,
                "--model",
                Fixtures.archive("rejects_negative").toString(),
                "--arg",
                "x",
                "--shape",
                "2",
                "--keep",
                keep));
    args.addAll(List.of(extra));
    return predict(output, args.toArray(new String[0]));
  }

  private String[] quarantined(String output, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--batch-size", "16", "--on-error", "quarantine", "--errors", output + "-errors"));
    args.addAll(List.of(extra));
    return amountsThroughRejects(output, args.toArray(new String[0]));
  }

  @Test
  void quarantineSendsRowsTheModelCannotPredictToErrorsAndTheRestToTheOutput() throws Exception {
    String output = dir.resolve("quarantine").toString();
    Path summary = dir.resolve("quarantine-summary.json");
    assertThat(run(quarantined(output, "--summary", summary.toString())))
        .as(() -> err.toString())
        .isZero();
    List<Row> good = read(output);
    assertThat(good).hasSize(35);
    assertThat(good.get(0).schema().fieldNames()).containsExactly("id", "prediction");
    assertThat(good)
        .allSatisfy(r -> assertThat(r.getList(1)).containsExactly(2f * r.getLong(0), 2f));
    List<Row> bad = read(output + "-errors");
    assertThat(bad).extracting(r -> r.getLong(0)).containsExactly(3L, 17L, 18L, 25L, 30L);
    assertThat(bad.get(0).schema().fieldNames()).containsExactly("id", "error", "method", "sha256");
    assertThat(bad.get(0).getString(1)).contains("negative input: this model takes amounts >= 0");
    assertThat(bad.get(3).getString(1)).contains("cannot be reshaped to [2] per row");
    assertThat(bad.get(4).getString(1)).contains("has a null at row 0");
    assertThat(bad.get(0).getString(2)).isEqualTo("forward");
    assertThat(bad.get(0).getString(3))
        .isEqualTo(ArchiveDigest.sha256(Fixtures.archive("rejects_negative")));
    JsonNode json = new ObjectMapper().readTree(summary.toFile());
    assertThat(json.path("errorRows").asLong()).isEqualTo(5);
    assertThat(json.path("rowsIn").asLong()).isEqualTo(40);
    assertThat(json.path("rowsOut").asLong()).isEqualTo(35);
  }

  @Test
  void keptColumnsAreTakenByTheirExactNamesAlsoForTheErrors() {
    spark
        .read()
        .parquet(amounts())
        .withColumnRenamed("id", "a.b `c`")
        .createOrReplaceTempView("odd");
    String output = dir.resolve("odd-names").toString();
    String[] args =
        throughRejects(
            "odd", "a.b `c`", output, "--on-error", "quarantine", "--errors", output + "-errors");
    assertThat(run(args)).as(() -> err.toString()).isZero();
    assertThat(spark.read().parquet(output).columns()).containsExactly("a.b `c`", "prediction");
    assertThat(spark.read().parquet(output + "-errors").count()).isEqualTo(5);
  }

  @Test
  void maxErrorsFailsTheJobPastItsLimitAndWritesNothing() {
    String output = dir.resolve("too-many").toString();
    assertThat(run(quarantined(output, "--max-errors", "4"))).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString())
        .contains("5 of 40 rows could not be predicted, over --max-errors 4; nothing was written.")
        .contains("Model 'job'");
    assertThat(Files.exists(Path.of(output))).isFalse();
    assertThat(Files.exists(Path.of(output + "-errors"))).isFalse();
    assertThat(run(quarantined(output, "--max-errors", "0.2"))).as(() -> err.toString()).isZero();
    String strict = dir.resolve("strict-amounts").toString();
    String[] failing = amountsThroughRejects(strict);
    assertThat(run(failing)).isEqualTo(ExitCodes.FAILED);
    assertThat(err.toString()).contains("set such ones aside: --on-error=quarantine");
    List<String> withoutErrorsPath =
        new ArrayList<>(List.of(quarantined(dir.resolve("no-errors-path").toString())));
    int at = withoutErrorsPath.indexOf("--errors");
    withoutErrorsPath.subList(at, at + 2).clear();
    assertThat(run(withoutErrorsPath.toArray(new String[0]))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("--errors is required");
  }

  @Test
  void aPinnedSha256MustBeTheModels() {
    String sha256 = ArchiveDigest.sha256(Path.of(MODEL));
    String output = dir.resolve("pinned").toString();
    assertThat(run(predict(output, "--sha256", "ab".repeat(32)))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("has sha256 " + sha256).contains("--sha256 pins abab");
    assertThat(Files.exists(Path.of(output))).isFalse();
    assertThat(run(predict(output, "--sha256", sha256))).as(() -> err.toString()).isZero();
  }

  @Test
  void theNextRunRemovesWhatAKilledRunStaged() throws IOException {
    String output = dir.resolve("after-kill").toString();
    Path staged = dir.resolve(".after-kill.torchbatch-" + java.util.UUID.randomUUID());
    Files.createDirectories(staged);
    Files.writeString(staged.resolve("part-00000.parquet"), "half written");
    assertThat(run(predict(output, "--mode", "overwrite"))).as(() -> err.toString()).isZero();
    assertThat(Files.exists(staged)).isFalse();
    assertThat(read(output)).hasSize(ROWS);
  }

  @Test
  void examplesThatDifferFailBeforeAnythingIsWritten() {
    String output = dir.resolve("examples-scaled").toString();
    String scaled = Fixtures.archive("examples_scaled").toString();
    assertThat(run(predict(output, "--model", scaled))).isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("examples_scaled.pt does not reproduce the examples it carries")
        .contains("call 1 (forward), output 'output' element [")
        .contains("--check-examples=false");
    assertThat(Files.exists(Path.of(output))).isFalse();
    assertThat(run(predict(output, "--model", scaled, "--check-examples", "false")))
        .as(() -> err.toString())
        .isZero();
    assertThat(read(output)).hasSize(ROWS);
  }

  @Test
  void tableAndGlobInputsWithEveryTuningOption() throws Exception {
    spark.read().parquet(input).createOrReplaceTempView("events");
    String fromTable = dir.resolve("from-table").toString();
    assertThat(
            run(
                predict(
                    fromTable,
                    "--input",
                    "events",
                    "--method",
                    "forward",
                    "--batch-size",
                    "16",
                    "--device",
                    "cpu",
                    "--repartition",
                    "5")))
        .as(() -> err.toString())
        .isZero();
    assertThat(read(fromTable)).hasSize(ROWS);
    try (var files = Files.list(Path.of(fromTable))) {
      assertThat(files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count())
          .isEqualTo(5);
    }
    String fromGlob = dir.resolve("from-glob").toString();
    assertThat(run(predict(fromGlob, "--input", input + "/part-*", "--batch-size", "auto")))
        .as(() -> err.toString())
        .isZero();
    assertThat(read(fromGlob)).hasSize(ROWS);
  }

  @Test
  void aRunWithAFixedBatchSizeLeavesTheSessionConfAsItWas() {
    ConfSeenByTasks.register(spark);
    Map<String, String> before = ConfSeenByTasks.conf(spark);
    String output = dir.resolve("conf-untouched").toString();
    assertThat(run(predict(output, "--batch-size", "7", "--where", "conf_seen()")))
        .as(() -> err.toString())
        .isZero();
    assertThat(read(output)).hasSize(ROWS);
    assertThat(ConfSeenByTasks.seen()).as("the conf the tasks saw").containsExactly(before);
    assertThat(ConfSeenByTasks.conf(spark)).isEqualTo(before);
  }

  @Test
  void dryRunCatchesEachValidationErrorWithoutRunningTasks() throws Exception {
    // a table input: reading a path's schema would run Spark's own footer-reading job
    spark.read().parquet(input).createOrReplaceTempView("events");
    spark.sparkContext().listenerBus().waitUntilEmpty();
    long jobs = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
    String output = dir.resolve("dry-errors").toString();
    assertThat(
            run(
                predict(
                    output,
                    "--input",
                    "events",
                    "--dry-run",
                    "--model",
                    Fixtures.path("whole_module.pt").toString())))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(
            run(
                predict(
                    output,
                    "--input",
                    "events",
                    "--dry-run",
                    "--arg",
                    "features",
                    "--arg",
                    "features")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("takes 1 argument(s), but predict passes 2");
    assertThat(run(predict(output, "--input", "events", "--dry-run", "--method", "encode")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString()).contains("has no method 'encode'; callable methods: forward");
    assertThat(run(predict(output, "--dry-run", "--input", "no_such_table")))
        .isEqualTo(ExitCodes.INPUT_NOT_FOUND);
    assertThat(run(predict(output, "--input", "events", "--dry-run", "--mode", "sometimes")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(run(predict(output, "--input", "events", "--dry-run", "--batch-size", "big")))
        .isEqualTo(ExitCodes.USAGE);
    assertThat(err.toString())
        .contains("--batch-size must be a positive integer or 'auto', got 'big'");
    assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(null))
        .as("no Spark job ran")
        .hasSize((int) jobs);
  }

  @Test
  void helpListsOptionsAndExitCodes() {
    assertThat(run("predict", "--help")).isZero();
    assertThat(out.toString()).contains("--null-policy").contains("Exit codes: 0 success");
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).contains("libtorch 2.7.1");
  }

  @Test
  void progressLineShowsRowsPartitionsRateAndEta() {
    try (ProgressReporter progress = ProgressReporter.start(spark)) {
      assertThat(progress.line())
          .matches("rows [0-9,]+  partitions \\d+/\\d+  [0-9,]+ rows/s  ETA .*");
    }
  }

  @Test
  void dryRunChecksEverythingAndWritesNothing() {
    String output = dir.resolve("dry").toString();
    assertThat(run(predict(output, "--dry-run"))).isZero();
    assertThat(out.toString()).contains("\"dryRun\" : true").contains("\"sampleRows\" : 2");
    assertThat(Files.exists(Path.of(output))).isFalse();
    assertThat(run(predict(output, "--dry-run", "--arg", "no_such_column")))
        .isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void sqlCommandRunsStatementsWithPredict() throws Exception {
    String sql =
        "SET spark.torchbatch.model.m.path="
            + MODEL
            + "; SET spark.torchbatch.model.m.shapes=4;"
            + " SELECT id, predict('m', features) AS p FROM parquet.`"
            + input
            + "` WHERE id < 3 ORDER BY id";
    assertThat(run("sql", sql)).as(err.toString()).isZero();
    assertThat(out.toString()).contains("id | p").contains("0 | [");
    Path file = dir.resolve("q.sql");
    Files.writeString(file, sql);
    assertThat(run("sql", "--file", file.toString())).isZero();
    assertThat(run("sql", "--file", dir.resolve("none.sql").toString()))
        .isEqualTo(ExitCodes.INPUT_NOT_FOUND);
  }
}
