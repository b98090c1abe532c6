package org.torchbatch.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CpuInfoTest {

  @Test
  void readsTheFirstProcessorsModelAndFlags() {
    CpuInfo cpu =
        CpuInfo.parse(
            "processor\t: 0\nmodel name\t: AMD EPYC 9R14\nflags\t\t: fpu sse2 avx2 fma avx512f"
                + " avx512_bf16\n\nprocessor\t: 1\nmodel name\t: other\nflags\t\t: fpu\n");
    assertThat(cpu.model()).isEqualTo("AMD EPYC 9R14");
    assertThat(cpu.has("avx512f", "avx512_bf16")).isTrue();
    assertThat(cpu.has("amx_tile")).isFalse();
    assertThat(cpu.describe()).isEqualTo("AMD EPYC 9R14 (avx2 fma avx512f avx512_bf16)");
  }

  @Test
  void thisMachineIsDescribed() {
    assertThat(CpuInfo.current().describe()).isNotBlank();
  }
}
