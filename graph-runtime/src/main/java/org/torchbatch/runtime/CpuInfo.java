package org.torchbatch.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The CPU as {@code /proc/cpuinfo} names it. Which kernels libtorch and oneDNN run depends on its
 * instruction sets, so every measured figure and every numeric check states it.
 *
 * @param model the first processor's {@code model name}
 * @param flags its {@code flags}
 */
public record CpuInfo(String model, Set<String> flags) {
  /** The flags that decide which kernels oneDNN and ATen pick, in the order they are printed. */
  public static final List<String> ISA_FLAGS =
      List.of(
          "avx2",
          "fma",
          "avx_vnni",
          "avx512f",
          "avx512bw",
          "avx512vl",
          "avx512dq",
          "avx512_vnni",
          "avx512_bf16",
          "avx512_fp16",
          "amx_tile",
          "amx_int8",
          "amx_bf16",
          "amx_fp16");

  private static CpuInfo current;

  public CpuInfo {
    flags = Set.copyOf(flags);
  }

  /** This machine's CPU; the JVM's architecture alone where {@code /proc/cpuinfo} is missing. */
  public static synchronized CpuInfo current() {
    if (current == null) {
      try {
        current = parse(Files.readString(Path.of("/proc/cpuinfo")));
      } catch (IOException e) {
        current = new CpuInfo(System.getProperty("os.arch"), Set.of());
      }
    }
    return current;
  }

  static CpuInfo parse(String cpuinfo) {
    String model = System.getProperty("os.arch");
    Set<String> flags = new LinkedHashSet<>();
    boolean modelSeen = false;
    boolean flagsSeen = false;
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (key.equals("model name") && !modelSeen) {
        model = value;
        modelSeen = true;
      } else if (key.equals("flags") && !flagsSeen) {
        flags.addAll(Arrays.asList(value.split("\\s+")));
        flagsSeen = true;
      }
    }
    return new CpuInfo(model, flags);
  }

  public boolean has(String... required) {
    return flags.containsAll(List.of(required));
  }

  /** {@code AMD EPYC (avx2 fma avx512f ... avx512_bf16)}: the model and its ISA flags. */
  public String describe() {
    List<String> present = ISA_FLAGS.stream().filter(flags::contains).toList();
    return model + " (" + (present.isEmpty() ? "no AVX2" : String.join(" ", present)) + ")";
  }
}
