package org.torchbatch.runtime.archive;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.TensorJson;

/**
 * Example calls and the outputs PyTorch returned for them, carried in the archive as the extra file
 * {@code torchbatch/examples.json} (written at export by {@code scripts/torchbatch_examples.py}):
 * {@code {"calls": [{"method", "inputs": [tensor...], "outputs": {name: tensor}}], "rtol"?,
 * "atol"?}}, tensors as {@code {"dtype", "shape", "values"}}.
 *
 * @param rtol relative tolerance: an element matches when {@code |got - want| <= atol + rtol *
 *     |want|}
 * @param atol absolute tolerance
 */
public record ModelExamples(List<Call> calls, double rtol, double atol) {
  public static final String EXTRA_FILE = "torchbatch/examples.json";
  public static final double DEFAULT_RTOL = 1e-4;
  public static final double DEFAULT_ATOL = 1e-5;
  private static final long MAX_BYTES = 64L << 20;
  // Python's json writes NaN and Infinity for such floats
  private static final ObjectMapper READER =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** One example call: the method, its positional inputs, and PyTorch's outputs by name. */
  public record Call(String method, List<HostTensor> inputs, Map<String, HostTensor> outputs) {}

  public ModelExamples {
    calls = List.copyOf(calls);
  }

  /** The examples {@code archive} carries, if any. */
  public static Optional<ModelExamples> read(Path archive) {
    try (ArchiveZip zip = ArchiveZip.open(archive)) {
      String entry = "extra/" + EXTRA_FILE;
      if (!zip.has(entry)) {
        return Optional.empty();
      }
      if (zip.size(entry) > MAX_BYTES) {
        throw new ArchiveException(
            zip.fileName() + "'s " + EXTRA_FILE + " is over " + (MAX_BYTES >> 20) + " MiB");
      }
      return Optional.of(
          parse(new String(zip.read(entry), StandardCharsets.UTF_8), zip.fileName()));
    }
  }

  /** Parses examples JSON; {@code source} names it in errors. */
  public static ModelExamples parse(String json, String source) {
    try {
      JsonNode root = READER.readTree(json);
      JsonNode calls = root == null ? null : root.path("calls");
      if (calls == null || !calls.isArray() || calls.isEmpty()) {
        throw new IllegalArgumentException("it has no \"calls\" list");
      }
      List<Call> parsed = new ArrayList<>();
      for (int i = 0; i < calls.size(); i++) {
        parsed.add(call(calls.get(i), i + 1));
      }
      return new ModelExamples(
          parsed, tolerance(root, "rtol", DEFAULT_RTOL), tolerance(root, "atol", DEFAULT_ATOL));
    } catch (JsonProcessingException | IllegalArgumentException | ArithmeticException e) {
      throw new ArchiveException(
          "The examples in "
              + source
              + " ("
              + EXTRA_FILE
              + ") are unusable: "
              + e.getMessage()
              + "; write them with scripts/torchbatch_examples.py",
          e);
    }
  }

  private static Call call(JsonNode node, int number) {
    try {
      List<HostTensor> inputs = new ArrayList<>();
      for (JsonNode input : node.path("inputs")) {
        inputs.add(TensorJson.read(input));
      }
      Map<String, HostTensor> outputs = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> fields = node.path("outputs").fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> output = fields.next();
        outputs.put(output.getKey(), TensorJson.read(output.getValue()));
      }
      if (outputs.isEmpty()) {
        throw new IllegalArgumentException("no \"outputs\"");
      }
      return new Call(node.path("method").asText("forward"), inputs, outputs);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("call " + number + ": " + e.getMessage(), e);
    }
  }

  private static double tolerance(JsonNode root, String name, double otherwise) {
    JsonNode value = root.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return otherwise;
    }
    if (!value.isNumber() || value.asDouble() < 0) {
      throw new IllegalArgumentException("\"" + name + "\" must be a number >= 0, got " + value);
    }
    return value.asDouble();
  }
}
