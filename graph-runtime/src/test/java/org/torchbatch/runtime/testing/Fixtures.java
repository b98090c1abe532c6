package org.torchbatch.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The archives written by {@code scripts/fixtures/make_archives.py} (and the PyTorch 2.11 sample),
 * found on the test classpath; other modules reach them through graph-runtime's test jar.
 */
public final class Fixtures {
  private static Path unpacked;

  private Fixtures() {}

  public static Path archive(String name) {
    return path(name.contains(".") ? name : name + ".pt");
  }

  /**
   * A copy of fixture {@code name} (in a new temporary file) whose entries ending in {@code
   * entrySuffix} have their text changed by {@code change}: how tests make archives a newer or a
   * broken exporter would write.
   */
  public static Path edited(String name, String entrySuffix, UnaryOperator<String> change) {
    try {
      Path target = Files.createTempFile("torchbatch-edited-", "-" + name + ".pt");
      target.toFile().deleteOnExit();
      try (ZipFile source = new ZipFile(archive(name).toFile());
          ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
        for (ZipEntry entry : Collections.list(source.entries())) {
          byte[] data = source.getInputStream(entry).readAllBytes();
          if (entry.getName().endsWith(entrySuffix)) {
            data =
                change
                    .apply(new String(data, StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.UTF_8);
          }
          ZipEntry copy = new ZipEntry(entry.getName());
          copy.setMethod(ZipEntry.STORED);
          copy.setSize(data.length);
          CRC32 crc = new CRC32();
          crc.update(data);
          copy.setCrc(crc.getValue());
          out.putNextEntry(copy);
          out.write(data);
          out.closeEntry();
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fixture file as a filesystem path, copied out of the test jar when it is packed in one. */
  public static synchronized Path path(String file) {
    URL url = Fixtures.class.getResource("/fixtures/" + file);
    if (url == null) {
      throw new IllegalArgumentException("no fixture " + file);
    }
    try {
      if (url.getProtocol().equals("file")) {
        return Path.of(url.toURI());
      }
      if (unpacked == null) {
        unpacked = Files.createTempDirectory("torchbatch-fixtures");
        unpacked.toFile().deleteOnExit();
      }
      Path target = unpacked.resolve(file);
      if (!Files.exists(target)) {
        try (InputStream in = url.openStream()) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
