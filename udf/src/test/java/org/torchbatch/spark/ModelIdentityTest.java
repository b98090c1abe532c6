package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.runtime.archive.ArchiveDigest;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.CountedStorage;
import org.torchbatch.spark.testing.SparkTestBase;

/** The model a query runs is the one its path held when the query was planned, by sha256. */
class ModelIdentityTest extends SparkTestBase {
  @TempDir static Path dir;

  @BeforeAll
  static void remoteStorage() {
    spark
        .sparkContext()
        .hadoopConfiguration()
        .set("fs.counted.impl", CountedStorage.class.getName());
    spark
        .sql("SELECT id, array(1.0F, CAST(id AS FLOAT), -1.0F, 0.5F) AS x FROM range(5)")
        .createOrReplaceTempView("identity_rows");
  }

  private static List<Row> predict(String model) {
    return spark
        .sql("SELECT id, predict('" + model + "', x) FROM identity_rows ORDER BY id")
        .collectAsList();
  }

  private static void replace(Path target, String fixture, long secondsLater) throws IOException {
    Path next = Files.createTempFile(dir, "next", ".pt");
    Files.copy(Fixtures.archive(fixture), next, StandardCopyOption.REPLACE_EXISTING);
    Files.move(next, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Files.setLastModifiedTime(
        target, FileTime.fromMillis(System.currentTimeMillis() + secondsLater * 1000));
  }

  @Test
  void aModelReplacedAtTheSamePathIsTheNextQuerysModel() throws IOException {
    Path archive = dir.resolve("replaced.pt");
    replace(archive, "linear_traced", 0);
    declare("replaced", "path", "counted://" + archive);
    declare("replaced", "shapes", "4");
    declare("linear_direct", "path", Fixtures.archive("linear_traced").toString());
    declare("linear_direct", "shapes", "4");
    declare("other_direct", "path", Fixtures.archive("traced_holds_scripted").toString());
    declare("other_direct", "shapes", "4");
    List<Row> before = predict("replaced");
    assertThat(before).isEqualTo(predict("linear_direct"));
    Dataset<Row> plannedBefore =
        spark.sql("SELECT id, predict('replaced', x) FROM identity_rows ORDER BY id");

    replace(archive, "traced_holds_scripted", 10);
    assertThat(predict("replaced")).isEqualTo(predict("other_direct")).isNotEqualTo(before);
    // a query planned before the change runs what it was planned with: its sha256
    assertThat(plannedBefore.collectAsList()).isEqualTo(before);
  }

  @Test
  void aPinnedSha256ThatTheFileDoesNotHaveFailsNamingBoth() {
    declare("pinned", "path", Fixtures.archive("linear_traced").toString());
    declare("pinned", "shapes", "4");
    declare("pinned", "sha256", "00" + "ab".repeat(31));
    assertThatThrownBy(() -> predict("pinned"))
        .hasStackTraceContaining(
            "has sha256 " + ArchiveDigest.sha256(Fixtures.archive("linear_traced")))
        .hasStackTraceContaining("spark.torchbatch.model.pinned.sha256 pins 00abab");
  }

  @Test
  void executorsAskForTheSha256AndRefuseOtherBytes() throws IOException {
    Path archive = dir.resolve("moving.pt");
    replace(archive, "linear_traced", 0);
    String uri = "counted://" + archive;
    var conf = spark.sparkContext().hadoopConfiguration();
    String planned = ArchiveFiles.resolve(uri, conf).sha256();
    replace(archive, "traced_holds_scripted", 10);
    String now = ArchiveFiles.resolve(uri, conf).sha256();
    assertThat(now).isNotEqualTo(planned);
    assertThat(ArchiveFiles.withSha256(uri, planned, conf)).hasFileName(planned + ".pt");
    assertThat(ArchiveFiles.withSha256(uri, now, conf)).hasFileName(now + ".pt");
    String neverThere = "ff".repeat(32);
    assertThatThrownBy(() -> ArchiveFiles.withSha256(uri, neverThere, conf))
        .hasMessageContaining("has sha256 " + now + " but " + neverThere + " was expected")
        .hasMessageContaining("changed since the query was planned");
  }

  @Test
  void copiesAreNamedByContentAndAMismatchKeepsNothing() throws Exception {
    ArchiveStore store = ArchiveStore.get();
    byte[] bytes = "archive bytes".getBytes(StandardCharsets.UTF_8);
    Path copy = store.put(new ByteArrayInputStream(bytes), null);
    String sha256 = ArchiveStore.sha256Of(copy);
    assertThat(store.find(sha256)).contains(copy);
    assertThatThrownBy(() -> store.put(new ByteArrayInputStream(bytes), "00".repeat(32)))
        .isInstanceOf(ArchiveStore.Mismatch.class);
    try (var left = Files.list(copy.getParent())) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
  }

  @Test
  void theFoldersOfJvmsThatAreGoneAreRemoved() throws IOException {
    Path root = Files.createDirectories(dir.resolve("archives"));
    Path dead = Files.createDirectories(root.resolve("jvm-2147483646-gone"));
    Files.writeString(dead.resolve("x.pt"), "old copy");
    Path alive =
        Files.createDirectories(root.resolve("jvm-" + ProcessHandle.current().pid() + "-here"));
    ArchiveStore.removeDeadJvmsFolders(root);
    assertThat(dead).doesNotExist();
    assertThat(alive).exists();
  }
}
