package org.torchbatch.spark;

import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.bridge.BatchDecoder;
import org.torchbatch.bridge.BatchEncoder;
import org.torchbatch.bridge.EncodedBatch;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;
import org.torchbatch.runtime.engine.ModelRunner;
import org.torchbatch.runtime.engine.RuntimeSettings;
import org.torchbatch.runtime.engine.TorchEngine;

/**
 * Runs one prepared model over Arrow batches of its projected arguments inside a task: the
 * executor's shared model (loaded once per JVM and device), a runner for this task's thread, and
 * the bridge both ways. One per model per task; closing it releases the model handle.
 */
public final class ModelBatchRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelBatchRunner.class);
  private final PreparedModel model;
  private final ModelHandle handle;
  private final ModelRunner runner;
  private final BatchEncoder encoder;
  private final BatchDecoder decoder;
  private final BatchMetrics metrics;

  public ModelBatchRunner(
      PreparedModel model,
      Configuration hadoopConf,
      BufferAllocator allocator,
      int taskCpus,
      List<String> taskGpus,
      BatchMetrics metrics) {
    this.model = model;
    this.metrics = metrics;
    TorchEngine.start(RuntimeSettings.EXECUTOR.withIntraOpThreads(Math.max(1, taskCpus)));
    Path archive = model.source().localCopy(hadoopConf);
    DeviceSpec device =
        DeviceChoice.choose(model.config().device(), taskGpus, gpuCount(model.config().device()));
    LOG.info(
        "Model '{}' runs on {} (device={}, task GPU addresses {})",
        model.name(),
        device,
        model.config().device(),
        taskGpus);
    long loadsBefore = ModelCache.shared().loads();
    long loadMillisBefore = ModelCache.shared().loadMillis();
    this.handle = ModelCache.shared().acquire(archive, device);
    metrics.modelLoaded(
        ModelCache.shared().loads() - loadsBefore,
        ModelCache.shared().loadMillis() - loadMillisBefore);
    this.runner = handle.newRunner(Math.max(1, taskCpus));
    this.encoder = new BatchEncoder(model.arguments(), model.config().nullPolicy(), allocator);
    this.decoder = new BatchDecoder(model.outputs(), allocator);
  }

  private static int gpuCount(String device) {
    return device.equals("cpu") ? 0 : TorchEngine.gpuCount();
  }

  public DeviceSpec device() {
    return handle.device();
  }

  /**
   * The model's result for every row of {@code arguments}: one vector (the single output, or a
   * struct of all outputs) that the caller closes.
   */
  public FieldVector run(VectorSchemaRoot arguments) {
    long begin = System.nanoTime();
    try (EncodedBatch batch = encoder.encode(arguments)) {
      long encoded = System.nanoTime();
      try (ModelOutputs outputs = runner.run(model.config().method(), batch.tensors())) {
        long ran = System.nanoTime();
        FieldVector result =
            model.structResult()
                ? decoder.decodeStruct("prediction", outputs, batch.mask())
                : decoder.decode(outputs, batch.mask()).get(0);
        metrics.batch(
            arguments.getRowCount(),
            batch.mask().rows() - batch.mask().modelRows(),
            ran - encoded,
            (encoded - begin) + (System.nanoTime() - ran));
        return result;
      }
    } catch (TorchbatchException e) {
      throw new TorchbatchException(
          "Model '" + model.name() + "' (" + model.describe() + "): " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    handle.close();
  }
}
