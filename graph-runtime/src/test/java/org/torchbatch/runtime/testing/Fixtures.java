package org.torchbatch.runtime.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

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
