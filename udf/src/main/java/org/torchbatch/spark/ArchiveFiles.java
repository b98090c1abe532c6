package org.torchbatch.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.archive.ArchiveDigest;

/**
 * Model archives from any Hadoop FileSystem URI (local, hdfs://, s3a://) as local files, by
 * content. The driver resolves a URI to the sha256 of what is there now, for every query (reading
 * it again only when its length or modification time changed); executors ask for that sha256 and
 * load nothing else. A local path is used in place; anything else is copied into {@link
 * ArchiveStore}, once per JVM and sha256, so nothing passes through the driver and archives over 2
 * GB stream like any file.
 */
final class ArchiveFiles {
  private static final Logger LOG = LoggerFactory.getLogger(ArchiveFiles.class);
  // the driver's last look at each remote URI
  private static final Map<String, Resolved> RESOLVED = new ConcurrentHashMap<>();

  /** What a URI held when last looked at, and a local file with exactly those bytes. */
  record Resolved(long length, long modified, String sha256, Path local) {}

  static {
    ProcessState.register(
        "remote archives' resolutions and local copies",
        () -> {
          RESOLVED.clear();
          ArchiveStore.deleteCopies();
        });
  }

  private ArchiveFiles() {}

  /** The archive at {@code uri} as it is now. */
  static Resolved resolve(String uri, Configuration hadoopConf) {
    Path inPlace = localPath(uri);
    if (inPlace != null) {
      return new Resolved(-1, -1, ArchiveDigest.sha256(inPlace), inPlace);
    }
    org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(URI.create(uri));
    try {
      FileSystem fs = source.getFileSystem(hadoopConf);
      FileStatus status = status(fs, source, uri);
      Resolved known = RESOLVED.get(uri);
      if (known != null
          && known.length() == status.getLen()
          && known.modified() == status.getModificationTime()
          && Files.isRegularFile(known.local())) {
        return known;
      }
      Path copy = fetch(fs, source, uri, null);
      Resolved now =
          new Resolved(
              status.getLen(), status.getModificationTime(), ArchiveStore.sha256Of(copy), copy);
      RESOLVED.put(uri, now);
      return now;
    } catch (IOException e) {
      throw new TorchbatchException("Cannot fetch model archive " + uri + ": " + e.getMessage(), e);
    }
  }

  /**
   * The archive with exactly this sha256, as the driver resolved {@code uri}; a file changed since
   * then is an error, never another model.
   */
  static Path withSha256(String uri, String sha256, Configuration hadoopConf) {
    Path inPlace = localPath(uri);
    if (inPlace != null) {
      String actual = ArchiveDigest.sha256(inPlace);
      if (!actual.equalsIgnoreCase(sha256)) {
        throw changed(uri, actual, sha256);
      }
      return inPlace;
    }
    var stored = ArchiveStore.get().find(sha256);
    if (stored.isPresent()) {
      return stored.get();
    }
    org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(URI.create(uri));
    try {
      return fetch(source.getFileSystem(hadoopConf), source, uri, sha256);
    } catch (IOException e) {
      throw new TorchbatchException("Cannot fetch model archive " + uri + ": " + e.getMessage(), e);
    }
  }

  /** {@code uri} as a local file used in place, or null when it must be fetched. */
  private static Path localPath(String uri) {
    URI parsed = URI.create(uri);
    if (parsed.getScheme() != null && !parsed.getScheme().equals("file")) {
      return null;
    }
    Path path = parsed.getScheme() == null ? Path.of(uri) : Path.of(parsed);
    if (!Files.isRegularFile(path)) {
      throw new TorchbatchException("Model archive " + uri + " does not exist (or is not a file)");
    }
    return path;
  }

  private static Path fetch(
      FileSystem fs, org.apache.hadoop.fs.Path source, String uri, String sha256)
      throws IOException {
    long begin = System.nanoTime();
    status(fs, source, uri);
    try (InputStream in = fs.open(source)) {
      Path copy = ArchiveStore.get().put(in, sha256);
      LOG.info(
          "Fetched model archive {} ({} bytes, sha256 {}) to {} in {} ms",
          uri,
          Files.size(copy),
          ArchiveStore.sha256Of(copy),
          copy,
          (System.nanoTime() - begin) / 1_000_000);
      return copy;
    } catch (ArchiveStore.Mismatch e) {
      throw changed(uri, e.actual(), sha256);
    }
  }

  private static FileStatus status(FileSystem fs, org.apache.hadoop.fs.Path source, String uri)
      throws IOException {
    if (!fs.exists(source)) {
      throw new TorchbatchException("Model archive " + uri + " does not exist");
    }
    return fs.getFileStatus(source);
  }

  private static TorchbatchException changed(String uri, String actual, String expected) {
    return new TorchbatchException(
        "Model archive "
            + uri
            + " has sha256 "
            + actual
            + " but "
            + expected
            + " was expected: the file changed since the query was planned (plan it again to"
            + " run the new one), or the pinned sha256 is wrong");
  }
}
