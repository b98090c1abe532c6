package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.engine.DeviceSpec;

/** The device logic real GPU nodes use, driven with task resources supplied by the test. */
class DeviceChoiceTest {

  @Test
  void taskGpuAddressPicksTheDevice() {
    assertThat(DeviceChoice.choose("auto", List.of("3"), 4)).isEqualTo(DeviceSpec.cuda(3));
    assertThat(DeviceChoice.choose("cuda", List.of("1"), 2)).isEqualTo(DeviceSpec.cuda(1));
  }

  @Test
  void noAssignedGpuMeansCpuForAutoAndFirstGpuForCuda() {
    assertThat(DeviceChoice.choose("auto", List.of(), 2)).isEqualTo(DeviceSpec.CPU);
    assertThat(DeviceChoice.choose("cuda", List.of(), 2)).isEqualTo(DeviceSpec.cuda(0));
  }

  @Test
  void cpuWinsAndExplicitIndexIsKept() {
    assertThat(DeviceChoice.choose("cpu", List.of("0"), 1)).isEqualTo(DeviceSpec.CPU);
    assertThat(DeviceChoice.choose("cuda:2", List.of("0"), 4)).isEqualTo(DeviceSpec.cuda(2));
  }

  @Test
  void withoutCudaAutoFallsBackAndCudaFailsFast() {
    assertThat(DeviceChoice.choose("auto", List.of("0"), 0)).isEqualTo(DeviceSpec.CPU);
    assertThatThrownBy(() -> DeviceChoice.choose("cuda", List.of("0"), 0))
        .hasMessageContaining("libtorch sees no CUDA device")
        .hasMessageContaining("device=auto");
  }
}
