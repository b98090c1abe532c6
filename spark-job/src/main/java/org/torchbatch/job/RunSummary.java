package org.torchbatch.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.package$;
import org.torchbatch.runtime.cli.VersionProvider;

/** What {@code --summary FILE} writes: rows, phases, throughput, output files, versions. */
final class RunSummary {
  private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final ObjectNode root = mapper.createObjectNode();
  private final ObjectNode phases = root.putObject("phaseSeconds");

  RunSummary() {
    root.put("torchbatch", VersionProvider.torchbatchVersion());
    root.put("spark", package$.MODULE$.SPARK_VERSION());
    root.put("torch", "2.7.1");
    root.put("djl", "0.36.0");
  }

  void phase(String name, long beginNanos) {
    phases.put(name, (System.nanoTime() - beginNanos) / 1e9);
  }

  /** The model's lineage: the archive named and the sha256 of the bytes the run loaded. */
  void model(String path, String sha256) {
    ObjectNode model = root.putObject("model");
    model.put("path", path);
    model.put("sha256", sha256);
  }

  void rows(long rowsIn, long rowsOut, long nullRows, long modelLoads) {
    root.put("rowsIn", rowsIn);
    root.put("rowsOut", rowsOut);
    root.put("nullRows", nullRows);
    root.put("modelLoads", modelLoads);
  }

  /** Rows the model could not predict, set aside in --errors. */
  void errorRows(long rows) {
    root.put("errorRows", rows);
  }

  void dryRun(int sampleRows) {
    root.put("dryRun", true);
    root.put("sampleRows", sampleRows);
  }

  void output(String path, long[] filesAndBytes) {
    root.put("output", path);
    root.put("outputFiles", filesAndBytes[0]);
    root.put("outputBytes", filesAndBytes[1]);
  }

  /** A table output: its name (its files are the table format's). */
  void outputTable(String table) {
    root.put("outputTable", table);
  }

  /** Total seconds, and rows/s over the phase that reads, predicts and writes. */
  void finish(long beginNanos) {
    root.put("seconds", (System.nanoTime() - beginNanos) / 1e9);
    double working = phases.path("predict-and-write").asDouble();
    root.put("rowsPerSecond", root.path("rowsOut").asLong() / Math.max(working, 1e-9));
  }

  ObjectNode json() {
    return root;
  }

  /**
   * How the run ended: its exit code and, when it failed, why. In cluster mode spark-submit reports
   * only success or failure, so a scheduler reads these from the summary.
   */
  void ended(int exitCode, String message) {
    root.put("exitCode", exitCode);
    if (message != null) {
      root.put("message", message);
    }
  }

  /** Writes the summary to {@code file}, any Hadoop path (a shared filesystem in cluster mode). */
  void write(String file, Configuration hadoopConf) {
    try {
      Path path = new Path(file);
      try (OutputStream out = path.getFileSystem(hadoopConf).create(path, true)) {
        out.write((mapper.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new JobException(1, "Cannot write the summary to " + file + ": " + e.getMessage(), e);
    }
  }
}
