package org.torchbatch.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory, for tests that check native memory stays flat. */
public final class NativeMemory {
  private NativeMemory() {}

  /**
   * Resident set size in KiB. The test JVMs run with a fixed, pre-touched heap (see the parent
   * pom's surefire argLine), so its growth is native memory, not the heap filling in.
   */
  public static long residentKb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }
}
