package org.torchbatch.runtime.archive;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The zip container of a PyTorch archive: one top folder holding every entry. Entry names are
 * checked so none can resolve outside that folder.
 */
final class ArchiveZip implements Closeable {
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};
  private static final int PICKLE_PROTO = 0x80;

  private final Path file;
  private final ZipFile zip;
  private final String root;
  private final ArchiveLimits limits = ArchiveLimits.current();
  // inflated bytes read into memory so far, against limits.maxTotalBytes()
  private long bytesRead;

  private ArchiveZip(Path file, ZipFile zip, String root) {
    this.file = file;
    this.zip = zip;
    this.root = root;
  }

  static ArchiveZip open(Path file) {
    checkMagic(file);
    ZipFile zip;
    try {
      zip = new ZipFile(file.toFile());
    } catch (ZipException e) {
      throw new ArchiveException(
          file.getFileName()
              + " is a truncated or corrupt zip ("
              + e.getMessage()
              + "): copy or save the archive again",
          e);
    } catch (IOException e) {
      throw new ArchiveException("Cannot read model archive " + file + ": " + e.getMessage(), e);
    }
    try {
      return new ArchiveZip(file, zip, rootFolder(file, zip));
    } catch (RuntimeException e) {
      closeQuietly(zip, e);
      throw e;
    }
  }

  private static void checkMagic(Path file) {
    byte[] head = new byte[4];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new ArchiveException("Cannot read model archive " + file + ": " + e.getMessage(), e);
    }
    if (read == 4
        && head[0] == ZIP_MAGIC[0]
        && head[1] == ZIP_MAGIC[1]
        && head[2] == ZIP_MAGIC[2]
        && head[3] == ZIP_MAGIC[3]) {
      return;
    }
    if (read > 0 && (head[0] & 0xff) == PICKLE_PROTO) {
      throw new ArchiveException(
          file.getFileName()
              + " is a legacy torch.save() pickle, not a TorchScript archive: "
              + NotTorchScript.HOW_TO_SAVE);
    }
    throw new ArchiveException(
        file.getFileName()
            + " is not a TorchScript archive (not a zip file): "
            + NotTorchScript.HOW_TO_SAVE);
  }

  private static String rootFolder(Path file, ZipFile zip) {
    long maxEntries = ArchiveLimits.current().maxEntries();
    if (zip.size() > maxEntries) {
      throw ArchiveLimits.exceeded(
          file.getFileName().toString(),
          "has " + zip.size() + " entries",
          ArchiveLimits.MAX_ENTRIES,
          maxEntries);
    }
    String root = null;
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      String name = entries.nextElement().getName();
      checkContained(file, name);
      int slash = name.indexOf('/');
      String folder = slash < 0 ? "" : name.substring(0, slash + 1);
      if (folder.isEmpty() || (root != null && !root.equals(folder))) {
        throw new ArchiveException(
            file.getFileName()
                + " is a zip but not a PyTorch archive: its entries are not all in one folder"
                + " (found '"
                + name
                + "'). "
                + NotTorchScript.HOW_TO_SAVE);
      }
      root = folder;
    }
    if (root == null) {
      throw new ArchiveException(file.getFileName() + " is an empty zip, not a model archive");
    }
    return root;
  }

  private static void checkContained(Path file, String name) {
    boolean escapes = name.startsWith("/") || name.contains("\\") || name.contains(":");
    for (String part : name.split("/")) {
      escapes |= part.equals("..");
    }
    if (escapes) {
      throw new ArchiveException(
          file.getFileName()
              + " has an entry that resolves outside its folder ('"
              + name
              + "'); refusing the file: it was not written by torch.jit.save");
    }
  }

  Path file() {
    return file;
  }

  String fileName() {
    return file.getFileName().toString();
  }

  boolean has(String relative) {
    return zip.getEntry(root + relative) != null;
  }

  /** Entry names under {@code relativeFolder}, relative to it, in zip order. */
  List<String> list(String relativeFolder) {
    String prefix = root + relativeFolder;
    List<String> names = new ArrayList<>();
    Enumeration<? extends ZipEntry> entries = zip.entries();
    while (entries.hasMoreElements()) {
      ZipEntry entry = entries.nextElement();
      if (!entry.isDirectory() && entry.getName().startsWith(prefix)) {
        names.add(entry.getName().substring(prefix.length()));
      }
    }
    return names;
  }

  long size(String relative) {
    ZipEntry entry = zip.getEntry(root + relative);
    return entry == null ? -1 : entry.getSize();
  }

  byte[] read(String relative) {
    ZipEntry entry = zip.getEntry(root + relative);
    if (entry == null) {
      throw new ArchiveException(fileName() + " has no entry " + root + relative);
    }
    try (InputStream in = zip.getInputStream(entry)) {
      // the declared size can lie: the bytes that inflate are counted, not the header
      long allowed = Math.min(limits.maxEntryBytes(), limits.maxTotalBytes() - bytesRead);
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, allowed + 1));
      if (bytes.length > allowed) {
        throw bytes.length > limits.maxEntryBytes()
            ? ArchiveLimits.exceeded(
                fileName(),
                "has an entry " + entry.getName() + " that inflates to more than its limit",
                ArchiveLimits.MAX_ENTRY_BYTES,
                limits.maxEntryBytes())
            : ArchiveLimits.exceeded(
                fileName(),
                "inflates to more than its limit in the entries read",
                ArchiveLimits.MAX_TOTAL_BYTES,
                limits.maxTotalBytes());
      }
      bytesRead += bytes.length;
      return bytes;
    } catch (IOException | RuntimeException e) {
      if (e instanceof ArchiveException archive) {
        throw archive;
      }
      throw new ArchiveException(
          fileName()
              + " is corrupt: cannot read entry "
              + entry.getName()
              + " ("
              + e.getMessage()
              + "): copy or save the archive again",
          e);
    }
  }

  @Override
  public void close() {
    try {
      zip.close();
    } catch (IOException e) {
      throw new ArchiveException("Cannot close " + fileName() + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(ZipFile zip, RuntimeException failure) {
    try {
      zip.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
