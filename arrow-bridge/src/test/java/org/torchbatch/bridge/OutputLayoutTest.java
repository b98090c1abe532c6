package org.torchbatch.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.NamedTensors;

class OutputLayoutTest {
  private static final HostTensor LABEL =
      HostTensor.fromDoubles(DType.INT64, new long[] {2}, new double[] {1, 0});
  private static final HostTensor SCORE =
      HostTensor.fromDoubles(DType.FLOAT32, new long[] {2, 3}, new double[6]);

  /** A model's outputs: a dict's keys (sorted, as the runtime gives them), or positions. */
  private record Outputs(Map<String, HostTensor> tensors, boolean namedByKey)
      implements NamedTensors {
    @Override
    public List<String> names() {
      return List.copyOf(tensors.keySet());
    }

    @Override
    public HostTensor get(String name) {
      return tensors.get(name);
    }
  }

  private static Outputs dict() {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("label", LABEL);
    tensors.put("score", SCORE);
    return new Outputs(tensors, true);
  }

  private static Outputs tuple() {
    Map<String, HostTensor> tensors = new LinkedHashMap<>();
    tensors.put("_0", LABEL);
    tensors.put("_1", SCORE);
    return new Outputs(tensors, false);
  }

  @Test
  void namesGivenForADictSelectItsKeysInTheGivenOrder() {
    OutputLayout layout = OutputLayout.of(dict(), List.of("score", "label"));
    assertThat(layout.fields()).extracting(OutputField::output).containsExactly("score", "label");
    assertThat(layout.fields()).extracting(OutputField::column).containsExactly("score", "label");
    assertThat(layout.fields())
        .extracting(OutputField::dtype)
        .containsExactly(DType.FLOAT32, DType.INT64);
  }

  @Test
  void aDictsKeysCanBeSelectedOneAtATime() {
    OutputLayout layout = OutputLayout.of(dict(), List.of("score"));
    assertThat(layout.fields()).extracting(OutputField::output).containsExactly("score");
  }

  @Test
  void aNameThatIsNoKeyListsTheKeys() {
    assertThatThrownBy(() -> OutputLayout.of(dict(), List.of("score", "probs")))
        .isInstanceOf(BridgeException.class)
        .hasMessageContaining("without the key 'probs'")
        .hasMessageContaining("[label, score]");
    assertThatThrownBy(() -> OutputLayout.of(dict(), List.of("score", "score")))
        .hasMessageContaining("named twice");
  }

  @Test
  void withoutNamesADictKeepsItsSortedKeys() {
    assertThat(OutputLayout.of(dict(), List.of()).fields())
        .extracting(OutputField::column)
        .containsExactly("label", "score");
  }

  @Test
  void tupleOutputsAreRenamedByPosition() {
    OutputLayout layout = OutputLayout.of(tuple(), List.of("cls", "score"));
    assertThat(layout.fields()).extracting(OutputField::output).containsExactly("_0", "_1");
    assertThat(layout.fields()).extracting(OutputField::column).containsExactly("cls", "score");
    assertThatThrownBy(() -> OutputLayout.of(tuple(), List.of("only")))
        .hasMessageContaining("returns 2 output(s)");
  }
}
