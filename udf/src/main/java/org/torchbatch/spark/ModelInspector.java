package org.torchbatch.spark;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.types.DataType;
import org.torchbatch.bridge.ArgumentSpec;
import org.torchbatch.bridge.ImpliedTypes;
import org.torchbatch.bridge.OutputLayout;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.archive.ArchiveReader;
import org.torchbatch.runtime.archive.MethodSignature;
import org.torchbatch.runtime.archive.TracedInput;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelExecutionException;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;
import org.torchbatch.runtime.engine.TorchEngine;

/**
 * Checks a model on the driver before any task runs: the archive is usable, the method exists and
 * takes this many arguments of these types; then one call on a two-row example input of zeros tells
 * the output names, dtypes and shapes, hence predict's SQL type.
 */
public final class ModelInspector {
  private static final int EXAMPLE_ROWS = 2;

  /** The most prepared models the driver keeps; a query that planned an evicted one keeps it. */
  static final int PREPARED_MAX = 64;

  // most recently used last: a model file replaced again and again (a new sha256 each time) or a
  // long-lived session declaring many models must not grow this, nor keep every archive broadcast
  // (Spark's cleaner frees an evicted one's broadcast once no plan holds it)
  private static final Map<String, PreparedModel> PREPARED =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedModel> eldest) {
          return size() > PREPARED_MAX;
        }
      };

  static {
    ProcessState.register(
        "prepared models",
        () -> {
          synchronized (PREPARED) {
            PREPARED.clear();
          }
        });
  }

  private ModelInspector() {}

  /**
   * Checks what can be checked without the input's schema: the archive is a usable TorchScript
   * archive (and matches a pinned sha256) and has the method. Cheap; runs no Spark job.
   */
  public static ArchiveInfo checkArchive(ModelConfig config, Configuration hadoopConf) {
    Path local = resolve(config, hadoopConf).local();
    ArchiveInfo info = ArchiveReader.read(local);
    info.requireMethod(config.method());
    return info;
  }

  /**
   * @param argumentNames how errors name each argument (the column, or the expression's SQL)
   */
  public static PreparedModel prepare(
      ModelConfig config,
      List<String> argumentNames,
      List<DataType> argumentTypes,
      Configuration hadoopConf) {
    ArchiveFiles.Resolved resolved = resolve(config, hadoopConf);
    Path local = resolved.local();
    String sha256 = resolved.sha256();
    String key = config.key() + "|" + sha256 + "|" + argumentNames + "|" + argumentTypes;
    synchronized (PREPARED) {
      PreparedModel known = PREPARED.get(key);
      if (known != null) {
        return known;
      }
    }
    // outside the lock: preparing loads the model and runs it, and other queries must not wait
    PreparedModel prepared = inspect(config, argumentNames, argumentTypes, local, sha256);
    synchronized (PREPARED) {
      return PREPARED.computeIfAbsent(key, unused -> prepared);
    }
  }

  /** How many prepared models the driver keeps now. */
  static int preparedCount() {
    synchronized (PREPARED) {
      return PREPARED.size();
    }
  }

  /** The sha256 of what the model's path holds now: the model a query planned now runs. */
  public static String sha256(ModelConfig config, Configuration hadoopConf) {
    return resolve(config, hadoopConf).sha256();
  }

  private static ArchiveFiles.Resolved resolve(ModelConfig config, Configuration hadoopConf) {
    ArchiveFiles.Resolved resolved = ArchiveFiles.resolve(config.path(), hadoopConf);
    if (config.sha256() != null && !config.sha256().equalsIgnoreCase(resolved.sha256())) {
      throw new TorchbatchException(
          "Model '"
              + config.name()
              + "' ("
              + config.path()
              + ") has sha256 "
              + resolved.sha256()
              + " but "
              + ModelConfig.PREFIX
              + config.name()
              + ".sha256 pins "
              + config.sha256());
    }
    return resolved;
  }

  private static PreparedModel inspect(
      ModelConfig config,
      List<String> argumentNames,
      List<DataType> argumentTypes,
      Path local,
      String sha256) {
    ArchiveInfo info = ArchiveReader.read(local);
    MethodSignature method = info.requireMethod(config.method());
    int required = method.requiredArgumentCount();
    if (argumentTypes.size() < required || argumentTypes.size() > method.arguments().size()) {
      throw new TorchbatchException(
          "Model '"
              + config.name()
              + "': "
              + method.describe()
              + " takes "
              + required
              + (required == method.arguments().size() ? "" : " to " + method.arguments().size())
              + " argument(s), but predict passes "
              + argumentTypes.size());
    }
    ImpliedTypes implied = new ImpliedTypes(info, config.method());
    List<ArgumentSpec> arguments = new ArrayList<>();
    List<HostTensor> example = new ArrayList<>();
    for (int i = 0; i < argumentTypes.size(); i++) {
      DataType type = argumentTypes.get(i);
      DType columnType =
          SparkTypes.inputDType(
              argumentNames.get(i) + " (#" + (i + 1) + ") of model '" + config.name() + "'", type);
      DType dtype = config.dtype(i) != null ? config.dtype(i) : implied.resolve(i, columnType);
      arguments.add(new ArgumentSpec(List.of(argumentNames.get(i)), dtype, config.shape(i), false));
      example.add(zeros(dtype, exampleRowShape(config, info, i, type)));
    }
    ArchiveSource source =
        ArchiveSource.choose(config.path(), sha256, local, SparkContext.getOrCreate());
    long rowBytes = example.stream().mapToLong(t -> t.data().remaining() / EXAMPLE_ROWS).sum();
    return new PreparedModel(
        config,
        sha256,
        info.file(),
        source,
        arguments,
        probeOutputs(config, local, example),
        rowBytes);
  }

  private static long[] exampleRowShape(
      ModelConfig config, ArchiveInfo info, int position, DataType type) {
    if (config.shape(position) != null) {
      return config.shape(position);
    }
    if (SparkTypes.depth(type) == 0) {
      return new long[0];
    }
    for (TracedInput traced : info.tracedInputs()) {
      if (traced.method().equals(config.method()) && traced.position() == position) {
        return traced.shape().subList(1, traced.shape().size()).stream()
            .mapToLong(Long::longValue)
            .toArray();
      }
    }
    throw new TorchbatchException(
        "Model '"
            + config.name()
            + "': argument #"
            + (position + 1)
            + " is "
            + type.simpleString()
            + " and the archive records no example shape for it, so the output type cannot be worked"
            + " out while the query is planned, before any data is read (the batch job learns it"
            + " from the first row; SQL cannot): set "
            + ModelConfig.PREFIX
            + config.name()
            + ".shapes (one row's shape per argument, e.g. 512 or 3,32,32; separate arguments with ;)");
  }

  /** Why a model's examples failed, with the setting that turns the check off. */
  static String examplesFailed(ModelConfig config, RuntimeException failure) {
    return "Model '"
        + config.name()
        + "': "
        + failure.getMessage()
        + ". Find out why (torchbatch verify <archive> on this machine), or set "
        + ModelConfig.PREFIX
        + config.name()
        + ".checkExamples=false to run without the check";
  }

  private static OutputLayout probeOutputs(
      ModelConfig config, Path local, List<HostTensor> example) {
    try (ModelHandle model = ModelCache.shared().acquire(local, DeviceSpec.CPU)) {
      if (config.checkExamples()) {
        try {
          model.checkExamples(config.oneDnnLstm());
        } catch (TorchbatchException e) {
          throw new TorchbatchException(examplesFailed(config, e), e);
        }
      }
      return probeOutputs(config, model, example);
    }
  }

  private static OutputLayout probeOutputs(
      ModelConfig config, ModelHandle model, List<HostTensor> example) {
    try (ModelOutputs outputs = probe(config, model, example)) {
      return OutputLayout.of(outputs, config.outputs());
    }
  }

  private static ModelOutputs probe(
      ModelConfig config, ModelHandle model, List<HostTensor> example) {
    try {
      return model
          .newRunner(TorchEngine.settings().intraOpThreads(), config.oneDnnLstm())
          .run(config.method(), example);
    } catch (ModelExecutionException e) {
      throw new TorchbatchException(
          ProbeFailure.explain(config, model.info().requireMethod(config.method()), example, e), e);
    }
  }

  private static HostTensor zeros(DType dtype, long[] rowShape) {
    long[] shape = new long[rowShape.length + 1];
    shape[0] = EXAMPLE_ROWS;
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
    ByteBuffer buffer = HostTensor.allocate(HostTensor.numel(shape) * dtype.byteSize());
    return new HostTensor(dtype, shape, buffer);
  }
}
