package org.torchbatch.spark;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.torchbatch.runtime.TorchbatchException;
import scala.reflect.ClassTag$;

/**
 * How executors get a model archive, decided once on the driver: from a shared filesystem (hdfs://,
 * s3a://, ...) each executor reads it itself; a driver-local file on a cluster travels as a
 * broadcast of 32 MB chunks (so no single array holds an archive over 2 GB); in local mode the file
 * is used in place. Either way each executor JVM writes it to local disk once.
 */
public final class ArchiveSource implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final int CHUNK = 32 << 20;

  private final String uri;
  private final String sha256;
  private final Broadcast<List<byte[]>> chunks;

  private ArchiveSource(String uri, String sha256, Broadcast<List<byte[]>> chunks) {
    this.uri = uri;
    this.sha256 = sha256;
    this.chunks = chunks;
  }

  static ArchiveSource choose(String uri, String sha256, Path driverCopy, SparkContext context) {
    return choose(uri, sha256, driverCopy, context, context.isLocal());
  }

  static ArchiveSource choose(
      String uri, String sha256, Path driverCopy, SparkContext context, boolean sharedDisk) {
    String scheme = URI.create(uri).getScheme();
    boolean driverLocal = scheme == null || scheme.equals("file");
    if (!driverLocal || sharedDisk) {
      return new ArchiveSource(uri, sha256, null);
    }
    return new ArchiveSource(
        uri, sha256, context.broadcast(read(driverCopy), ClassTag$.MODULE$.apply(List.class)));
  }

  /** How the archive travels, for plans and logs. */
  public String describe() {
    return chunks == null
        ? "read from " + uri
        : "broadcast in " + chunks.value().size() + " chunk(s)";
  }

  /** The archive on this JVM's local disk: the bytes with the sha256 the driver saw. */
  Path localCopy(Configuration hadoopConf) {
    if (chunks == null) {
      return ArchiveFiles.withSha256(uri, sha256, hadoopConf);
    }
    synchronized (ArchiveSource.class) {
      return ArchiveStore.get().find(sha256).orElseGet(() -> write(chunks.value(), sha256));
    }
  }

  /** {@code hdfs:///models/m.pt (sha256 ab12...)}: the model's lineage, for logs and summaries. */
  public String lineage() {
    return uri + " (sha256 " + sha256 + ")";
  }

  private static List<byte[]> read(Path file) {
    List<byte[]> parts = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] part;
      while ((part = in.readNBytes(CHUNK)).length > 0) {
        parts.add(part);
      }
    } catch (IOException e) {
      throw new TorchbatchException("Cannot read model archive " + file + ": " + e.getMessage(), e);
    }
    return parts;
  }

  private static Path write(List<byte[]> parts, String sha256) {
    try {
      return ArchiveStore.get().put(new SequenceInputStream(chunkStreams(parts)), sha256);
    } catch (IOException e) {
      throw new TorchbatchException(
          "Cannot write the broadcast model archive to local disk: " + e.getMessage(), e);
    } catch (ArchiveStore.Mismatch e) {
      throw new TorchbatchException(
          "The broadcast model archive has " + e.getMessage() + ", not " + sha256, e);
    }
  }

  private static Enumeration<InputStream> chunkStreams(List<byte[]> parts) {
    return Collections.enumeration(
        parts.stream().map(part -> (InputStream) new ByteArrayInputStream(part)).toList());
  }
}
