package org.torchbatch.runtime.testing;

import java.util.List;
import java.util.Map;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;
import org.torchbatch.runtime.engine.ModelRunner;

/**
 * Every fixture archive with recorded PyTorch outputs, and a main that checks them all in a fresh
 * JVM: the ISA-cap test runs it under each {@code ONEDNN_MAX_CPU_ISA} the CPU supports.
 */
public final class FixtureSuite {
  public static final List<String> MODELS =
      List.of(
          "traced_frozen_if",
          "traced_cell",
          "scripted_if",
          "scripted_export_ignore",
          "scripted_holds_traced",
          "traced_holds_scripted",
          "linear_traced",
          "linear_scripted",
          "token_lstm",
          "float64_mlp",
          "dict_output",
          "conv_net",
          "multi_method",
          "dtypes",
          "calls_unused",
          "shape_check",
          "tiny_mlp",
          "mlp_deep",
          "recurrent_mix",
          "resnet_small",
          "sequence_lstm",
          "rejects_negative",
          "first_ten");

  private FixtureSuite() {}

  /** Asserts that every recorded call of {@code fixture} returns PyTorch's outputs. */
  public static void check(String fixture) {
    ExpectedCalls expected = ExpectedCalls.of(fixture);
    try (ModelHandle model =
        ModelCache.shared().acquire(Fixtures.archive(fixture), DeviceSpec.CPU)) {
      ModelRunner runner = model.newRunner();
      for (ExpectedCalls.Call call : expected.calls()) {
        try (ModelOutputs outputs = runner.run(call.method(), call.inputs())) {
          if (!outputs.names().equals(List.copyOf(call.outputs().keySet()))) {
            throw new AssertionError(
                call.method() + " returned " + outputs.names() + ", PyTorch " + call.outputs());
          }
          for (Map.Entry<String, HostTensor> want : call.outputs().entrySet()) {
            ExpectedCalls.assertMatches(want.getKey(), outputs.get(want.getKey()), want.getValue());
          }
        }
      }
    }
  }

  /** Prints one line per fixture, {@code ok NAME} or {@code MISMATCH NAME: why}; exits 1 on any. */
  public static void main(String[] args) {
    int mismatches = 0;
    for (String fixture : MODELS) {
      try {
        check(fixture);
        System.out.println("ok " + fixture);
      } catch (AssertionError e) {
        mismatches++;
        System.out.println("MISMATCH " + fixture + ": " + e.getMessage().replace('\n', ' '));
      }
    }
    System.out.flush();
    System.exit(mismatches == 0 ? 0 : 1);
  }
}
