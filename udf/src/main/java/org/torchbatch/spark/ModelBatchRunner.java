package org.torchbatch.spark;

import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.bridge.BatchDecoder;
import org.torchbatch.bridge.BatchEncoder;
import org.torchbatch.bridge.EncodedBatch;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.engine.BatchSizer;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelExecutionException;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;
import org.torchbatch.runtime.engine.ModelRunner;
import org.torchbatch.runtime.engine.RunnerShape;
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
  private final BatchSizer sizer;
  private final RunnerShape shape;
  private final int taskCpus;
  private final BufferAllocator allocator;
  // rows of this task that went through the model, so a failure can say where its batch is
  private long rowsRun;
  // the last call, whose cycle (the work until this task's next call) auto sizes by
  private long lastBegin = -1;
  private int lastRows;
  private int lastAsked;
  private long lastBytes;
  private RunnerShape.Shape lastShape;

  public ModelBatchRunner(
      PreparedModel model,
      Configuration hadoopConf,
      BufferAllocator allocator,
      int taskCpus,
      List<String> taskGpus,
      BatchMetrics metrics) {
    this.model = model;
    this.metrics = metrics;
    this.allocator = allocator;
    this.taskCpus = Math.max(1, taskCpus);
    TorchEngine.start(RuntimeSettings.EXECUTOR.withIntraOpThreads(this.taskCpus));
    Path archive = model.source().localCopy(hadoopConf);
    DeviceSpec device =
        DeviceChoice.choose(model.config().device(), taskGpus, gpuCount(model.config().device()));
    LOG.info(
        "Model '{}' runs {} on {} (device={}, task GPU addresses {})",
        model.name(),
        model.source().lineage(),
        device,
        model.config().device(),
        taskGpus);
    long loadsBefore = ModelCache.shared().loads();
    long loadMillisBefore = ModelCache.shared().loadMillis();
    this.handle = ModelCache.shared().acquire(archive, device);
    metrics.modelLoaded(
        ModelCache.shared().loads() - loadsBefore,
        ModelCache.shared().loadMillis() - loadMillisBefore);
    // the handle is this runner's from here on: a step below that throws gives it back
    try {
      if (model.config().checkExamples()) {
        try {
          handle.checkExamples(model.config().oneDnnLstm());
        } catch (RuntimeException e) {
          throw new TorchbatchException(ModelInspector.examplesFailed(model.config(), e), e);
        }
      }
      this.runner = handle.newRunner(this.taskCpus, model.config().oneDnnLstm());
      this.encoder = new BatchEncoder(model.arguments(), model.config().nullPolicy(), allocator);
      this.decoder = new BatchDecoder(model.outputs(), allocator);
      this.sizer = Learned.sizer(model, device);
      this.shape = Learned.shape(model, device);
    } catch (RuntimeException | Error e) {
      handle.close();
      throw e;
    }
    shape.join(this.taskCpus);
  }

  private static int gpuCount(String device) {
    return device.equals("cpu") ? 0 : TorchEngine.gpuCount();
  }

  public DeviceSpec device() {
    return handle.device();
  }

  /**
   * How many rows the next call should take: fixed, or what {@code auto} has learned (for the
   * runner shape the call runs in), and never more than {@link #callBytes()} of input where a row's
   * size is known.
   */
  public int batchRows() {
    long rowBytes = model.rowBytes();
    int byBytes =
        rowBytes <= 0
            ? Integer.MAX_VALUE
            : (int) Math.max(1, Math.min(Integer.MAX_VALUE, callBytes() / rowBytes));
    return Math.min(shape.rows(sizer.rows(), taskCpus, sizer.largestFit()), byBytes);
  }

  /**
   * The most input bytes a call takes: {@code maxBatchBytes}, and with {@code auto} no more than it
   * ever grows to, also before it knows a row's size.
   */
  private long callBytes() {
    long configured = model.config().maxBatchBytes();
    return BatchSizer.isAuto(model.config().batchSize())
        ? Math.min(configured, BatchSizer.MAX_AUTO_BYTES)
        : configured;
  }

  /**
   * The model's result for every row of {@code arguments}: one vector (the single output, or a
   * struct of all outputs, and the errors under quarantine) that the caller closes. With {@code
   * auto} batch sizes, a batch the device has no memory for runs again in halves; unless the model
   * fails on errors, the rows of a failing batch that fail alone get nulls.
   */
  public FieldVector run(VectorSchemaRoot arguments) {
    if (model.config().onError() == OnError.FAIL) {
      return runFitting(arguments);
    }
    BadRowSearch search =
        new BadRowSearch(
            new BadRowSearch.Calls() {
              @Override
              public FieldVector run(VectorSchemaRoot rows) {
                return runFitting(rows);
              }

              @Override
              public FieldVector nulls(int rows) {
                return ModelBatchRunner.this.nulls(rows);
              }

              @Override
              public FieldVector concat(FieldVector head, FieldVector tail) {
                return ModelBatchRunner.this.concat(head, tail);
              }
            });
    FieldVector predictions = search.run(arguments);
    metrics.errorRows(search.badRows().size());
    return model.config().onError() == OnError.QUARANTINE
        ? ErrorColumn.attach(predictions, search.badRows(), allocator)
        : predictions;
  }

  /** {@code rows} null predictions, of the result's type. */
  private FieldVector nulls(int rows) {
    Field field =
        model.structResult()
            ? model.outputs().structField("prediction")
            : model.outputs().fields().get(0).toArrowField();
    return PredictionVectors.nulls(field, rows, allocator);
  }

  /**
   * The predictions for every row, the batch halved when the device runs out of memory or its input
   * is over {@code maxBatchBytes}; a failure names the model and the rows.
   */
  private FieldVector runFitting(VectorSchemaRoot arguments) {
    int count = arguments.getRowCount();
    long bytes = model.rowBytes() > 0 ? model.rowBytes() * count : inputBytes(arguments);
    if (count > 1 && bytes > callBytes()) {
      return inHalves(arguments);
    }
    try {
      return runOnce(arguments);
    } catch (ModelExecutionException e) {
      int rows = arguments.getRowCount();
      if (!BatchSizer.isOutOfMemory(e)) {
        throw failure(arguments, e.getMessage(), e);
      }
      if (!sizer.shrinkAfterOutOfMemory(rows)) {
        String advice =
            BatchSizer.isAuto(model.config().batchSize())
                ? "not even one row fits on " + handle.device()
                : "lower " + ModelConfig.PREFIX + model.name() + ".batchSize or set it to auto";
        throw failure(
            arguments, e.getMessage() + " (out of memory on " + rows + " rows: " + advice + ")", e);
      }
      return inHalves(arguments);
    } catch (TorchbatchException e) {
      throw failure(arguments, e.getMessage(), e);
    }
  }

  private FieldVector inHalves(VectorSchemaRoot arguments) {
    int rows = arguments.getRowCount();
    int half = rows / 2;
    try (VectorSchemaRoot first = arguments.slice(0, half);
        VectorSchemaRoot second = arguments.slice(half, rows - half);
        FieldVector head = runFitting(first);
        FieldVector tail = runFitting(second)) {
      return concat(head, tail);
    }
  }

  /** The bytes of a batch's argument columns, all their buffers counted. */
  private static long inputBytes(VectorSchemaRoot arguments) {
    return arguments.getFieldVectors().stream().mapToLong(FieldVector::getBufferSize).sum();
  }

  private FieldVector concat(FieldVector head, FieldVector tail) {
    return PredictionVectors.concat(head, tail, allocator);
  }

  private FieldVector runOnce(VectorSchemaRoot arguments) {
    long begin = System.nanoTime();
    if (lastBegin >= 0) {
      if (!sizer.settled()) {
        sizer.cycled(lastRows, lastAsked, begin - lastBegin, lastBytes);
      } else if (!shape.settled()) {
        // the shape is measured at the size the sizer settled on (a shared call's, scaled)
        shape.cycled(lastShape, lastRows, batchRows(), begin - lastBegin);
      }
    }
    // a failing call has no cycle to report
    lastBegin = -1;
    int asked = sizer.rows();
    try (EncodedBatch batch = encoder.encode(arguments)) {
      long encoded = System.nanoTime();
      try (ModelOutputs outputs = call(batch)) {
        long ran = System.nanoTime();
        FieldVector result =
            model.structResult()
                ? decoder.decodeStruct("prediction", outputs, batch.mask())
                : decoder.decode(outputs, batch.mask()).get(0);
        long decoded = System.nanoTime();
        lastBegin = begin;
        lastAsked = asked;
        lastRows = arguments.getRowCount();
        lastBytes = inputBytes(batch);
        rowsRun += arguments.getRowCount();
        metrics.batch(
            arguments.getRowCount(),
            batch.mask().rows() - batch.mask().modelRows(),
            ran - encoded,
            encoded - begin,
            decoded - ran);
        return result;
      }
    }
  }

  /** The model's call, in this task's turn when the executor's tasks share a runner. */
  private ModelOutputs call(EncodedBatch batch) {
    try (RunnerShape.Turn turn = shape.enter(taskCpus)) {
      lastShape = turn.shape();
      return runner.run(model.config().method(), batch.tensors(), turn.threads());
    }
  }

  private static long inputBytes(EncodedBatch batch) {
    return batch.tensors().stream().mapToLong(tensor -> tensor.data().remaining()).sum();
  }

  private TorchbatchException failure(
      VectorSchemaRoot arguments, String message, TorchbatchException cause) {
    return BatchFailure.of(model, rowsRun, arguments.getRowCount(), message, cause);
  }

  @Override
  public void close() {
    shape.leave(taskCpus);
    handle.close();
  }
}
