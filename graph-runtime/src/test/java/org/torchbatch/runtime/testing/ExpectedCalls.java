package org.torchbatch.runtime.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.TensorJson;

/** The calls and PyTorch's outputs recorded in a fixture's {@code NAME.expected.json}. */
public record ExpectedCalls(String archive, List<Call> calls) {

  /** One recorded call: method, inputs, and outputs by name. */
  public record Call(String method, List<HostTensor> inputs, Map<String, HostTensor> outputs) {}

  public static ExpectedCalls of(String fixture) {
    try {
      JsonNode root =
          new ObjectMapper().readTree(Fixtures.path(fixture + ".expected.json").toFile());
      List<Call> calls = new ArrayList<>();
      for (JsonNode call : root.path("calls")) {
        List<HostTensor> inputs = new ArrayList<>();
        call.path("inputs").forEach(input -> inputs.add(TensorJson.read(input)));
        Map<String, HostTensor> outputs = new LinkedHashMap<>();
        call.path("outputs")
            .fields()
            .forEachRemaining(e -> outputs.put(e.getKey(), TensorJson.read(e.getValue())));
        calls.add(new Call(call.path("method").asText(), inputs, outputs));
      }
      return new ExpectedCalls(root.path("archive").asText(), calls);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts dtype, shape and values (to float tolerance) of an actual output. */
  public static void assertMatches(String name, HostTensor actual, HostTensor expected) {
    assertThat(actual.dtype()).as("dtype of %s", name).isEqualTo(expected.dtype());
    assertThat(actual.shape()).as("shape of %s", name).isEqualTo(expected.shape());
    double tolerance = expected.dtype() == DType.FLOAT16 ? 1e-2 : 1e-5;
    double[] want = expected.toDoubles();
    double[] got = actual.toDoubles();
    for (int i = 0; i < want.length; i++) {
      assertThat(got[i])
          .as("%s[%d]", name, i)
          .isCloseTo(want[i], within(tolerance * Math.max(1, Math.abs(want[i]))));
    }
  }
}
