package org.torchbatch.runtime.archive;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The sha256 of an archive's bytes: its identity for caching and for pinning in conf. */
public final class ArchiveDigest {
  // every task checks its archive: a 1 GB model must not be hashed again for each of them
  private static final Map<String, String> KNOWN = new ConcurrentHashMap<>();

  private ArchiveDigest() {}

  /** Forgets every digest (the next {@link #sha256} of a file reads it again). */
  public static void forget() {
    KNOWN.clear();
  }

  /**
   * The file's sha256, read once per JVM for each (absolute path, size, modification time): a file
   * replaced since differs in one of them and is read again.
   */
  public static String sha256(Path file) {
    String identity;
    try {
      identity =
          file.toAbsolutePath()
              + "|"
              + Files.size(file)
              + "|"
              + Files.getLastModifiedTime(file).toMillis();
    } catch (IOException e) {
      throw new ArchiveException("Cannot read model archive " + file + ": " + e.getMessage(), e);
    }
    return KNOWN.computeIfAbsent(identity, unused -> hash(file));
  }

  private static String hash(Path file) {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
    byte[] buffer = new byte[1 << 20];
    try (InputStream in = Files.newInputStream(file)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new ArchiveException("Cannot read model archive " + file + ": " + e.getMessage(), e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
