package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.archive.ArchiveDigest;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

/** The archive reaches executors once and is loaded once per executor JVM, not per task. */
class ModelDistributionTest extends SparkTestBase {

  @Test
  void oneLoadForAllTasksOfAnExecutor(@TempDir Path dir) throws Exception {
    Path unique =
        withExtraFile(
            Fixtures.archive("linear_scripted"),
            dir.resolve("unique.pt"),
            "run-" + System.nanoTime());
    declare("unique", "path", unique.toString());
    declare("unique", "shapes", "4");
    declare("unique", "batchSize", "5");
    long loadsBefore = ModelCache.shared().loads();
    Dataset<Row> query =
        spark.sql(
            "SELECT predict('unique', array(CAST(id AS FLOAT), 1, 2, 3)) FROM range(0, 40, 1, 4)");
    assertThat(query.collectAsList()).hasSize(40);
    BatchPredictExec exec = PredictSqlTest.operator(query);
    // local mode: the driver's probe and the 4 tasks share one JVM, hence one load in all
    assertThat(ModelCache.shared().loads() - loadsBefore).as("loads for 4 tasks").isEqualTo(1);
    assertThat(exec.metrics().apply("modelLoads").value()).isLessThanOrEqualTo(1);
    assertThat(exec.metrics().apply("batches").value()).isEqualTo(8);
  }

  @Test
  void driverLocalArchiveTravelsAsABroadcastOfChunks() {
    Path archive = Fixtures.archive("linear_traced");
    String sha256 = ArchiveDigest.sha256(archive);
    ArchiveSource source =
        ArchiveSource.choose(archive.toString(), sha256, archive, spark.sparkContext(), false);
    assertThat(source.describe()).isEqualTo("broadcast in 1 chunk(s)");
    Path received = source.localCopy(spark.sparkContext().hadoopConfiguration());
    assertThat(received).isNotEqualTo(archive);
    assertThat(ArchiveDigest.sha256(received)).isEqualTo(sha256);
  }

  @Test
  void sharedFilesystemsAreReadByExecutorsThemselves() {
    Path archive = Fixtures.archive("linear_traced");
    ArchiveSource source =
        ArchiveSource.choose(
            "hdfs://namenode:8020/models/m.pt", "0", archive, spark.sparkContext(), false);
    assertThat(source.describe()).isEqualTo("read from hdfs://namenode:8020/models/m.pt");
  }

  /** A copy of an archive with one more extra/ file: same model, different sha256. */
  private static Path withExtraFile(Path source, Path target, String content) throws Exception {
    try (ZipFile in = new ZipFile(source.toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
      String root = null;
      for (ZipEntry entry : java.util.Collections.list(in.entries())) {
        root = entry.getName().substring(0, entry.getName().indexOf('/') + 1);
        out.putNextEntry(new ZipEntry(entry.getName()));
        in.getInputStream(entry).transferTo(out);
        out.closeEntry();
      }
      out.putNextEntry(new ZipEntry(root + "extra/nonce.txt"));
      out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return target;
  }
}
