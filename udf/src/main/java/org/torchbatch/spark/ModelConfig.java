package org.torchbatch.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.network.util.JavaUtils;
import org.torchbatch.bridge.NullPolicy;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.TorchbatchException;

/**
 * One model as declared in Spark conf under {@code spark.torchbatch.model.<name>.*} (session conf
 * too, so {@code SET spark.torchbatch.model.m.path=...} registers one from SQL).
 *
 * @param shapes per-argument row shape (reshape target, and the example shape used to work out the
 *     output type); null entries keep the column's shape
 * @param dtypes per-argument tensor dtype; null entries take what the archive implies
 * @param oneDnnLstm let oneDNN run the model's {@code aten::lstm} calls on the CPU: faster on
 *     AVX-512 CPUs, but not PyTorch's numbers on all of them (off by default)
 * @param checkExamples run the examples the archive carries where the model loads, and fail when
 *     they do not give PyTorch's outputs there (on by default)
 * @param runners how an executor's tasks share its cores calling the model on the CPU: {@code
 *     task}, {@code shared} or {@code auto} (see {@code RunnerShape})
 */
public record ModelConfig(
    String name,
    String path,
    String method,
    String batchSize,
    int maxBatchSize,
    String device,
    List<String> outputs,
    NullPolicy nullPolicy,
    List<long[]> shapes,
    List<DType> dtypes,
    String sha256,
    boolean oneDnnLstm,
    boolean checkExamples,
    OnError onError,
    long maxBatchBytes,
    String runners)
    implements Serializable {

  public static final String PREFIX = TorchbatchConf.MODEL_PREFIX;
  public static final String DEFAULT_MODEL = TorchbatchConf.DEFAULT_MODEL.name();
  // the best fixed size depends on the model
  public static final String DEFAULT_BATCH_SIZE = TorchbatchConf.model("batchSize").defaultValue();
  public static final int DEFAULT_MAX_BATCH_SIZE =
      Integer.parseInt(TorchbatchConf.model("maxBatchSize").defaultValue());

  /** Every model declared in this conf, by name. */
  public static List<String> declaredNames(Map<String, String> conf) {
    TreeSet<String> names = new TreeSet<>();
    for (String key : conf.keySet()) {
      if (key.startsWith(PREFIX) && key.endsWith(".path")) {
        names.add(key.substring(PREFIX.length(), key.length() - ".path".length()));
      }
    }
    return List.copyOf(names);
  }

  /** The model {@code predict(x)} uses: {@code spark.torchbatch.defaultModel}, or the only one. */
  public static String defaultName(Map<String, String> conf) {
    String configured = conf.get(DEFAULT_MODEL);
    if (configured != null) {
      return configured;
    }
    List<String> names = declaredNames(conf);
    if (names.size() == 1) {
      return names.get(0);
    }
    throw new TorchbatchException(
        names.isEmpty()
            ? "predict(...) needs a model: set "
                + PREFIX
                + "<name>.path=<archive> (spark conf, or SET in SQL)"
            : "predict(...) without a model name is ambiguous between "
                + names
                + ": set "
                + DEFAULT_MODEL
                + " or call predict('<name>', ...)");
  }

  /**
   * A model from its settings, keyed as after {@code spark.torchbatch.model.<name>.} ({@code path},
   * {@code batchSize}, ...): checked as Spark conf would be, touching no conf.
   */
  public static ModelConfig of(String name, Map<String, String> settings) {
    Map<String, String> conf = new java.util.LinkedHashMap<>();
    settings.forEach((key, value) -> conf.put(PREFIX + name + "." + key, value));
    return parse(name, conf);
  }

  /** The model {@code name} as declared in {@code conf} under {@code spark.torchbatch.model.}. */
  public static ModelConfig parse(String name, Map<String, String> conf) {
    String key = PREFIX + name + ".";
    TorchbatchConf.checkKnown(conf.keySet());
    java.util.function.Function<String, String> value =
        setting -> {
          String given = conf.get(key + setting);
          return given == null
              ? TorchbatchConf.model(setting).defaultValue()
              : TorchbatchConf.model(setting).check(key + setting, given);
        };
    String path = conf.get(key + "path");
    if (path == null) {
      throw new TorchbatchException(
          "No model named '"
              + name
              + "': set "
              + key
              + "path=<archive>; declared models: "
              + declaredNames(conf));
    }
    return new ModelConfig(
        name,
        path,
        value.apply("method"),
        value.apply("batchSize"),
        positive(key + "maxBatchSize", value.apply("maxBatchSize")),
        value.apply("device").toLowerCase(Locale.ROOT),
        list(conf.get(key + "outputs")),
        NullPolicy.parse(value.apply("nullPolicy")),
        shapes(conf.get(key + "shapes")),
        dtypes(conf.get(key + "dtypes")),
        conf.get(key + "sha256"),
        bool(key + "oneDnnLstm", value.apply("oneDnnLstm")),
        bool(key + "checkExamples", value.apply("checkExamples")),
        OnError.parse(key + "onError", value.apply("onError")),
        bytes(key + "maxBatchBytes", value.apply("maxBatchBytes")),
        value.apply("runners"));
  }

  /** A value that equals for equal settings (records compare arrays by identity). */
  String key() {
    return String.join(
        "|",
        name,
        path,
        method,
        batchSize,
        String.valueOf(maxBatchSize),
        device,
        String.valueOf(outputs),
        String.valueOf(nullPolicy),
        shapes.stream().map(Arrays::toString).toList().toString(),
        String.valueOf(dtypes),
        String.valueOf(sha256),
        String.valueOf(oneDnnLstm),
        String.valueOf(checkExamples),
        String.valueOf(onError),
        String.valueOf(maxBatchBytes),
        runners);
  }

  /** The row shape configured for argument {@code position}, or null. */
  public long[] shape(int position) {
    return position < shapes.size() ? shapes.get(position) : null;
  }

  public DType dtype(int position) {
    return position < dtypes.size() ? dtypes.get(position) : null;
  }

  private static int positive(String key, String value) {
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the key
    }
    throw new TorchbatchException(key + " must be a positive integer, got '" + value + "'");
  }

  /** {@code 1g}, {@code 64m}, {@code 4096}: bytes, as Spark writes sizes. */
  private static long bytes(String key, String value) {
    try {
      long parsed = JavaUtils.byteStringAsBytes(value.trim());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // reported below with the key
    }
    throw new TorchbatchException(
        key + " must be a positive size such as 1g, 64m or 4096, got '" + value + "'");
  }

  private static boolean bool(String key, String value) {
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new TorchbatchException(key + " must be true or false, got '" + value + "'");
    };
  }

  private static List<String> list(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).toList();
  }

  /** {@code 512;3,32,32;} : one entry per argument, empty to keep the column's shape. */
  static List<long[]> shapes(String value) {
    List<long[]> shapes = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return shapes;
    }
    for (String part : value.split(";", -1)) {
      shapes.add(
          part.isBlank()
              ? null
              : Arrays.stream(part.split(","))
                  .map(String::trim)
                  .mapToLong(Long::parseLong)
                  .toArray());
    }
    return shapes;
  }

  private static List<DType> dtypes(String value) {
    List<DType> types = new ArrayList<>();
    if (value == null || value.isBlank()) {
      return types;
    }
    for (String part : value.split(";", -1)) {
      types.add(part.isBlank() ? null : DType.parse(part));
    }
    return types;
  }
}
