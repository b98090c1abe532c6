package org.torchbatch.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This JVM's local copies of model archives, each named by its sha256 and written whole before it
 * gets that name. The folder is the JVM's own ({@code torchbatch-archives/jvm-PID-ID} under the
 * temporary directory), so no other process uses or deletes its copies; it is deleted when the JVM
 * exits, and a JVM that starts removes the folders of JVMs that died without doing so.
 */
final class ArchiveStore {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveStore.class);
  private static ArchiveStore instance;

  private final Path folder;

  private ArchiveStore(Path folder) {
    this.folder = folder;
  }

  static synchronized ArchiveStore get() {
    if (instance == null) {
      Path root = Path.of(System.getProperty("java.io.tmpdir"), "torchbatch-archives");
      try {
        Files.createDirectories(root);
        removeDeadJvmsFolders(root);
        Path folder =
            Files.createDirectories(
                root.resolve("jvm-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(folder)));
        instance = new ArchiveStore(folder);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot create " + root + ": " + e.getMessage(), e);
      }
    }
    return instance;
  }

  /** Deletes this JVM's copies, if it made any (a model loaded from one keeps running). */
  static synchronized void deleteCopies() {
    if (instance != null) {
      try (var copies = Files.list(instance.folder)) {
        copies.forEach(ArchiveStore::deleteQuietly);
      } catch (IOException e) {
        LOG.warn("Cannot list {}: {}", instance.folder, e.toString());
      }
    }
  }

  /** The sha256 a copy of this store is named by. */
  static String sha256Of(Path copy) {
    String name = copy.getFileName().toString();
    return name.substring(0, name.length() - ".pt".length());
  }

  /** The copy with this sha256, if this JVM has one. */
  Optional<Path> find(String sha256) {
    Path copy = folder.resolve(sha256 + ".pt");
    return Files.isRegularFile(copy) ? Optional.of(copy) : Optional.empty();
  }

  /**
   * Copies {@code in} here, hashing as it goes, and names the copy by the hash; {@code expected}
   * (or null) is what it must be, else nothing is kept and the actual hash is thrown.
   */
  Path put(InputStream in, String expected) throws IOException, Mismatch {
    Path partial = Files.createTempFile(folder, "incoming-", ".part");
    try {
      MessageDigest digest = sha256();
      try (OutputStream out = new DigestOutputStream(Files.newOutputStream(partial), digest)) {
        in.transferTo(out);
      }
      String actual = HexFormat.of().formatHex(digest.digest());
      if (expected != null && !expected.equalsIgnoreCase(actual)) {
        throw new Mismatch(actual);
      }
      Path copy = folder.resolve(actual + ".pt");
      Files.move(
          partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return copy;
    } finally {
      Files.deleteIfExists(partial);
    }
  }

  /** The bytes fetched hash to {@link #actual()}, not to the sha256 asked for. */
  static final class Mismatch extends Exception {
    private static final long serialVersionUID = 1L;
    private final String actual;

    Mismatch(String actual) {
      super("sha256 " + actual);
      this.actual = actual;
    }

    String actual() {
      return actual;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static void removeDeadJvmsFolders(Path root) throws IOException {
    try (DirectoryStream<Path> folders = Files.newDirectoryStream(root, "jvm-*")) {
      for (Path folder : folders) {
        String[] parts = folder.getFileName().toString().split("-", 3);
        boolean alive =
            parts.length == 3
                && parts[1].matches("\\d+")
                && ProcessHandle.of(Long.parseLong(parts[1])).isPresent();
        if (!alive) {
          LOG.info("Removing {}, the archive copies of a JVM that is gone", folder);
          deleteQuietly(folder);
        }
      }
    }
  }

  private static void deleteQuietly(Path folder) {
    try (Stream<Path> entries = Files.walk(folder)) {
      entries.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // the temporary directory's own cleaning takes what is left
    }
  }
}
