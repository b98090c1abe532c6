package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.torchbatch.runtime.CpuInfo;
import org.torchbatch.runtime.testing.FixtureSuite;

/**
 * The fixture suite in a fresh JVM under each oneDNN ISA cap this CPU supports, so an AVX-512
 * machine checks its AVX2 kernels too and each AVX-512 level on its own.
 */
class OneDnnIsaCapsTest {
  /** oneDNN's cap names and the /proc/cpuinfo flags each needs, lowest first. */
  private static final Map<String, List<String>> CAPS = new LinkedHashMap<>();

  static {
    CAPS.put("AVX2", List.of("avx2", "fma"));
    CAPS.put("AVX2_VNNI", List.of("avx2", "fma", "avx_vnni"));
    CAPS.put("AVX512_CORE", List.of("avx512f", "avx512bw", "avx512vl", "avx512dq"));
    CAPS.put("AVX512_CORE_VNNI", List.of("avx512f", "avx512bw", "avx512vl", "avx512_vnni"));
    CAPS.put("AVX512_CORE_BF16", List.of("avx512f", "avx512_vnni", "avx512_bf16"));
    CAPS.put("AVX512_CORE_FP16", List.of("avx512_bf16", "avx512_fp16"));
    CAPS.put("AVX512_CORE_AMX", List.of("avx512_bf16", "amx_tile", "amx_int8", "amx_bf16"));
    CAPS.put("AVX512_CORE_AMX_FP16", List.of("amx_tile", "amx_bf16", "amx_fp16"));
  }

  static Stream<String> supportedCaps() {
    CpuInfo cpu = CpuInfo.current();
    return CAPS.entrySet().stream()
        .filter(cap -> cpu.has(cap.getValue().toArray(String[]::new)))
        .map(Map.Entry::getKey);
  }

  @ParameterizedTest
  @MethodSource("supportedCaps")
  void fixturesMatchPyTorchUnderTheCap(String cap) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path")));
    command.add(FixtureSuite.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("ONEDNN_MAX_CPU_ISA", cap);
    builder.environment().put("ONEDNN_VERBOSE", "1");
    Process suite = builder.start();
    String output = new String(suite.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(suite.waitFor(5, TimeUnit.MINUTES)).isTrue();
    List<String> lines = output.lines().toList();
    String isa =
        lines.stream().filter(line -> line.contains(",isa:")).findFirst().orElse("no isa line");
    assertThat(isa)
        .as("oneDNN's ISA under %s", cap)
        .contains(cap.startsWith("AVX512") ? "AVX-512" : "AVX2");
    assertThat(lines.stream().filter(line -> line.startsWith("MISMATCH")))
        .as("%s on %s under %s", isa, CpuInfo.current().describe(), cap)
        .isEmpty();
    assertThat(lines.stream().filter(line -> line.startsWith("ok ")))
        .hasSize(FixtureSuite.MODELS.size());
    assertThat(suite.exitValue()).isZero();
  }
}
