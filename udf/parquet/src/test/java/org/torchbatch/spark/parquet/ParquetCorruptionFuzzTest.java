package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.spark.testing.SparkTestBase;

/**
 * Damaged Parquet files (bit flips and truncations anywhere: page headers, levels, dictionary
 * pages, values, footers) through torchbatch-parquet and Spark's own reader: ours ends in the rows
 * Spark's reader returns or in an error naming the file, within a time bound, and never crashes the
 * JVM, hangs or returns a row Spark's reader does not. {@code jqwik.tries.default} sets how many
 * (docs/hardening.md has the longer run).
 */
class ParquetCorruptionFuzzTest {
  private static final int TRIES_BOUND_SECONDS = 60;
  private static final ExecutorService WORKER = Executors.newSingleThreadExecutor();
  // this reader's error on a file, or null when it reads
  private static final Function<Path, Throwable> OURS =
      file -> catchThrowable(() -> read("torchbatch-parquet", file));
  private static final List<byte[]> FILES = new ArrayList<>();
  // each seed file's rows as Spark's reader reads them, undamaged
  private static final List<List<String>> ROWS = new ArrayList<>();
  private static Path dir;
  private static SparkSession spark;

  /** One damaged file: which seed file, what was done, with which randomness. */
  record Damage(int file, boolean truncate, int flips, long random) {}

  /** Seed files as parquet-mr writes them: codecs, dictionaries on and off, v1 and v2 pages. */
  @BeforeContainer
  static void seeds() throws IOException {
    SparkTestBase.startSpark();
    spark = SparkSession.active();
    dir = Files.createTempDirectory("parquet-fuzz");
    var data =
        spark.sql(
            "SELECT id, CAST(id * 0.5 AS FLOAT) AS x, IF(id % 7 = 0, NULL, array(CAST(id AS FLOAT),"
                + " 1F, CAST(id % 3 AS FLOAT))) AS v, IF(id % 11 = 0, NULL, CAST(id % 13 AS"
                + " STRING)) AS s, CAST(id % 5 AS INT) AS k FROM range(0, 1500)");
    String[][] settings = {
      {"snappy", "true", "v1"},
      {"none", "false", "v2"},
      {"gzip", "true", "v2"},
      {"zstd", "false", "v1"}
    };
    for (String[] setting : settings) {
      Path out = dir.resolve("seed-" + FILES.size());
      data.coalesce(1)
          .write()
          .options(
              Map.of(
                  "compression",
                  setting[0],
                  "parquet.enable.dictionary",
                  setting[1],
                  "parquet.writer.version",
                  setting[2].equals("v2") ? "PARQUET_2_0" : "PARQUET_1_0",
                  "parquet.page.size",
                  "1024",
                  "parquet.block.size",
                  "16384"))
          .parquet(out.toString());
      try (Stream<Path> files = Files.list(out)) {
        Path part = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        FILES.add(Files.readAllBytes(part));
        ROWS.add(read("parquet", part));
      }
    }
  }

  @Provide
  Arbitrary<Damage> damages() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 3),
            Arbitraries.of(true, false),
            Arbitraries.integers().between(1, 6),
            Arbitraries.longs())
        .as(Damage::new);
  }

  @Property
  void aDamagedFileGivesSparksRowsOrAnErrorNamingIt(@ForAll("damages") Damage damage)
      throws Exception {
    withDamaged(
        damage,
        "damaged-" + java.util.UUID.randomUUID() + ".parquet",
        file -> {
          compare(file, ROWS.get(damage.file()));
          return null;
        });
  }

  /**
   * Found by this fuzzer: one bit flipped in a definition-level run of a dictionary-encoded list
   * page left 15 of its ids undecoded, and rows shifted silently; now the page is refused.
   */
  @Example
  void levelsThatDisagreeWithTheIdsAreAnErrorNotShiftedRows() throws Exception {
    assertThat(withDamaged(new Damage(0, false, 1, 9647068), "levels-disagree.parquet", OURS))
        .isNotNull()
        .satisfies(e -> assertThat(messages(e)).contains("Cannot read column v.list.element"));
  }

  /**
   * Found by this fuzzer: two bits flipped leave the file to Spark's reader, whose dictionary
   * throws an index out of bounds when the query decodes the value, naming no file (Spark's own
   * format fails so); its pages are now checked against their CRCs first, and the read fails naming
   * the file.
   */
  @Example
  void aFileLeftToSparksReaderFailsItsChecksumNamingTheFile() throws Exception {
    String name = "left-to-spark.parquet";
    assertThat(withDamaged(new Damage(2, false, 2, -74062), name, OURS))
        .isNotNull()
        .satisfies(e -> assertThat(messages(e)).contains("CRC checksum verification failed", name));
  }

  /**
   * Found by this fuzzer: six bits flipped in a file this reader leaves to Spark's sent Spark's
   * level decoder into a loop that never ended (Spark's own format loops on it too); pages left to
   * Spark's reader are now checked against their CRCs, and the read fails instead.
   */
  @Example
  void pagesLeftToSparksReaderAreCheckedAgainstTheirChecksums() throws Exception {
    assertThat(withDamaged(new Damage(1, false, 6, 269226), "left-looping.parquet", OURS))
        .isNotNull()
        .satisfies(e -> assertThat(messages(e)).contains("CRC checksum verification failed"));
  }

  /**
   * Found by this fuzzer: six bits flipped made a dictionary page's header ask for bytes past the
   * end of the column's chunks, and the task waited for the read-ahead forever; the read-ahead now
   * says where the chunks end, and the read fails naming the file.
   */
  @Example
  void pagesAskingPastTheChunksFailInsteadOfWaiting() throws Exception {
    assertThat(withDamaged(new Damage(3, false, 6, 32), "past-the-end.parquet", OURS))
        .isNotNull()
        .satisfies(e -> assertThat(messages(e)).contains("past-the-end.parquet"));
  }

  /**
   * Found by this fuzzer: a flipped bit in a string column's dictionary ids made row 436 read "8"
   * for "7" (another valid id, which no decoder can tell); the page's CRC32 can, and is checked.
   */
  @Example
  void aFlippedValueFailsItsPagesChecksum() throws Exception {
    assertThat(withDamaged(new Damage(0, false, 4, 361), "flipped-value.parquet", OURS))
        .isNotNull()
        .satisfies(e -> assertThat(messages(e)).contains("checksum", "flipped-value.parquet"));
  }

  /**
   * Writes {@code damage} as the file {@code name} and runs {@code check} on it within the time
   * bound of a try; the file is deleted after.
   */
  private static <T> T withDamaged(Damage damage, String name, Function<Path, T> check)
      throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, damaged(damage));
    try {
      return WORKER.submit(() -> check.apply(file)).get(TRIES_BOUND_SECONDS, TimeUnit.SECONDS);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static byte[] damaged(Damage damage) {
    byte[] bytes = FILES.get(damage.file()).clone();
    Random random = new Random(damage.random());
    if (damage.truncate()) {
      return java.util.Arrays.copyOf(bytes, 4 + random.nextInt(bytes.length - 4));
    }
    for (int i = 0; i < damage.flips(); i++) {
      int at = random.nextInt(bytes.length);
      bytes[at] ^= (byte) (1 << random.nextInt(8));
    }
    return bytes;
  }

  /**
   * Our rows must be Spark's, or, where Spark's reader fails on damage that is not in the data (a
   * footer's key-value metadata, say), the undamaged file's.
   */
  private static void compare(Path file, List<String> undamaged) {
    List<String> ours;
    try {
      ours = read("torchbatch-parquet", file);
    } catch (Exception e) {
      if (!messages(e).contains(file.getFileName().toString()) && !sparksOwnFailure(file, e)) {
        keep(file);
        assertThat(messages(e)).as("our reader's error").contains(file.getFileName().toString());
      }
      return;
    }
    List<String> sparks;
    String theirs = "Spark's reader";
    try {
      sparks = read("parquet", file);
    } catch (Exception e) {
      sparks = undamaged;
      theirs = "the undamaged file (Spark's reader fails on the damaged one)";
    }
    if (!ours.equals(sparks)) {
      keep(file);
      int row = 0;
      while (row < Math.min(ours.size(), sparks.size()) && ours.get(row).equals(sparks.get(row))) {
        row++;
      }
      throw new AssertionError(
          String.format(
              "%d rows from torchbatch-parquet, %d from %s; first difference at row"
                  + " %d: ours %s, theirs %s (the file is kept in target/fuzz-failures)",
              ours.size(),
              sparks.size(),
              theirs,
              row,
              row < ours.size() ? ours.get(row) : "none",
              row < sparks.size() ? sparks.get(row) : "none"));
    }
  }

  /**
   * Whether {@code ours} is the failure Spark's reader has on {@code file} too: a file this reader
   * leaves to Spark's fails as Spark's fails it, some ways (a dictionary id decoded lazily, where
   * the query reads the value) naming no file.
   */
  private static boolean sparksOwnFailure(Path file, Exception ours) {
    Throwable theirs = catchThrowable(() -> read("parquet", file));
    return theirs != null && sameFailure(innermost(theirs), innermost(ours));
  }

  /**
   * The same class, and the same message where both have one: once a site has thrown often, the JIT
   * throws a preallocated exception there with none.
   */
  private static boolean sameFailure(Throwable a, Throwable b) {
    return a.getClass() == b.getClass()
        && (a.getMessage() == null
            || b.getMessage() == null
            || a.getMessage().equals(b.getMessage()));
  }

  private static Throwable innermost(Throwable error) {
    Throwable at = error;
    while (at.getCause() != null) {
      at = at.getCause();
    }
    return at;
  }

  /** A damaged file that failed, kept for whoever looks into it. */
  private static void keep(Path file) {
    try {
      Path kept = Path.of("target", "fuzz-failures");
      Files.createDirectories(kept);
      Files.copy(file, kept.resolve(file.getFileName()));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Rows as text (a damaged float may read as NaN, which a Row never equals); a damaged footer may
   * rename a column, so all of them.
   */
  private static List<String> read(String format, Path file) {
    return spark.read().format(format).load(file.toString()).collectAsList().stream()
        .map(Row::toString)
        .toList();
  }

  private static String messages(Throwable error) {
    StringBuilder all = new StringBuilder();
    for (Throwable at = error; at != null && all.length() < 20_000; at = at.getCause()) {
      all.append(at).append('\n');
    }
    return all.toString();
  }

  @AfterContainer
  static void stop() {
    WORKER.shutdownNow();
  }
}
