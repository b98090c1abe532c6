package org.torchbatch.runtime.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.archive.ArchiveReader;
import org.torchbatch.runtime.testing.ExpectedCalls;
import org.torchbatch.runtime.testing.Fixtures;

class LstmGuardTest {

  @Test
  void onlyArchivesCallingLstmAreGuarded() {
    assertThat(ArchiveReader.read(Fixtures.archive("token_lstm")).operators())
        .contains(LstmGuard.OPERATOR);
    assertThat(ArchiveReader.read(Fixtures.archive("recurrent_mix")).operators())
        .contains(LstmGuard.OPERATOR, "aten::gru", "aten::rnn_tanh");
    assertThat(ArchiveReader.read(Fixtures.archive("conv_net")).operators())
        .contains("aten::conv2d")
        .doesNotContain(LstmGuard.OPERATOR);
  }

  @Test
  void oneDnnStaysOffUntilTheLastGuardedCallEnds() {
    OneDnnSwitch oneDnn = OneDnnSwitch.get();
    assertThat(oneDnn.enabled()).isTrue();
    LstmGuard.enter();
    LstmGuard.enter();
    assertThat(oneDnn.enabled()).isFalse();
    LstmGuard.exit();
    assertThat(oneDnn.enabled()).isFalse();
    LstmGuard.exit();
    assertThat(oneDnn.enabled()).isTrue();
  }

  @Test
  void aSwitchTurnedOffElsewhereStaysOff() {
    OneDnnSwitch oneDnn = OneDnnSwitch.get();
    oneDnn.setEnabled(false);
    try {
      LstmGuard.enter();
      LstmGuard.exit();
      assertThat(oneDnn.enabled()).isFalse();
    } finally {
      oneDnn.setEnabled(true);
    }
  }

  @Test
  void guardedLstmMatchesPyTorchAfterAnUnguardedCall() {
    // the decision is made per call: an earlier oneDNN call leaves nothing behind
    ExpectedCalls.Call call = ExpectedCalls.of("token_lstm").calls().get(0);
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive("token_lstm"), DeviceSpec.CPU)) {
      model.newRunner(1, true).run(call.method(), call.inputs()).close();
      try (ModelOutputs outputs = model.newRunner(1, false).run(call.method(), call.inputs())) {
        for (Map.Entry<String, HostTensor> want : call.outputs().entrySet()) {
          ExpectedCalls.assertMatches(want.getKey(), outputs.get(want.getKey()), want.getValue());
        }
      }
      assertThat(OneDnnSwitch.get().enabled()).isTrue();
    }
  }
}
