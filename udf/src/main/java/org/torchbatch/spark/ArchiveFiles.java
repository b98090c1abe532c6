package org.torchbatch.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.archive.ArchiveDigest;

/**
 * Brings a model archive from any Hadoop FileSystem URI (local, hdfs://, s3a://) to local disk,
 * once per JVM: executors read it straight from the shared filesystem, so nothing passes through
 * the driver and archives over 2 GB stream like any file.
 */
final class ArchiveFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveFiles.class);
  private static final Map<String, Path> LOCAL = new ConcurrentHashMap<>();

  private ArchiveFiles() {}

  /** The archive as a local file; a local path is used in place, anything else is copied. */
  static Path local(String uri, Configuration hadoopConf) {
    URI parsed = URI.create(uri);
    if (parsed.getScheme() == null || parsed.getScheme().equals("file")) {
      Path path = parsed.getScheme() == null ? Path.of(uri) : Path.of(parsed);
      if (!Files.isRegularFile(path)) {
        throw new TorchbatchException(
            "Model archive " + uri + " does not exist (or is not a file)");
      }
      return path;
    }
    return LOCAL.computeIfAbsent(uri, unused -> copy(parsed, hadoopConf));
  }

  /** The local copy, checked against the sha256 the driver saw (or the one pinned in conf). */
  static Path verified(String uri, String sha256, Configuration hadoopConf) {
    Path path = local(uri, hadoopConf);
    String actual = ArchiveDigest.sha256(path);
    if (!actual.equals(sha256)) {
      LOCAL.remove(uri);
      throw new TorchbatchException(
          "Model archive "
              + uri
              + " has sha256 "
              + actual
              + " but "
              + sha256
              + " was expected: the file changed since the query was planned, or the pinned"
              + " sha256 is wrong");
    }
    return path;
  }

  private static Path copy(URI uri, Configuration hadoopConf) {
    long begin = System.nanoTime();
    try {
      org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = source.getFileSystem(hadoopConf);
      if (!fs.exists(source)) {
        throw new TorchbatchException("Model archive " + uri + " does not exist");
      }
      Path dir =
          Files.createDirectories(
              Path.of(System.getProperty("java.io.tmpdir"), "torchbatch-archives"));
      Path target =
          dir.resolve(Integer.toHexString(uri.toString().hashCode()) + "-" + source.getName());
      Path partial = Files.createTempFile(dir, source.getName(), ".part");
      try (InputStream in = fs.open(source)) {
        Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      target.toFile().deleteOnExit();
      LOG.info(
          "Fetched model archive {} ({} bytes) in {} ms",
          uri,
          Files.size(target),
          (System.nanoTime() - begin) / 1_000_000);
      return target;
    } catch (IOException e) {
      throw new TorchbatchException("Cannot fetch model archive " + uri + ": " + e.getMessage(), e);
    }
  }
}
