package org.torchbatch.runtime.engine;

import org.torchbatch.runtime.archive.ArchiveInfo;

/** A reference to a loaded model; closing it hands the model back to the {@link ModelCache}. */
public final class ModelHandle implements AutoCloseable {
  private final ModelCache cache;
  private final LoadedModel model;
  private boolean closed;

  ModelHandle(ModelCache cache, LoadedModel model) {
    this.cache = cache;
    this.model = model;
  }

  public ArchiveInfo info() {
    return model.info();
  }

  public DeviceSpec device() {
    return model.key().device();
  }

  public String sha256() {
    return model.key().sha256();
  }

  /** A runner for the calling thread with the engine's intra-op thread count. */
  public ModelRunner newRunner() {
    return newRunner(TorchEngine.settings().intraOpThreads());
  }

  /**
   * A runner for the calling thread; runners are cheap and not thread-safe. libtorch keeps the
   * intra-op thread count per OS thread, so the runner applies it on the thread that runs it.
   */
  public ModelRunner newRunner(int intraOpThreads) {
    return newRunner(intraOpThreads, false);
  }

  /**
   * A runner that, with {@code oneDnnLstm}, lets oneDNN run the model's {@code aten::lstm} calls:
   * faster on AVX-512 CPUs, but not PyTorch's numbers on all of them (see {@link LstmGuard}).
   */
  public ModelRunner newRunner(int intraOpThreads, boolean oneDnnLstm) {
    if (closed) {
      throw new IllegalStateException("model handle for " + info().file() + " is closed");
    }
    return new ModelRunner(model, intraOpThreads, oneDnnLstm);
  }

  /**
   * Checks that the model reproduces the examples its archive carries (if any) on this device with
   * these runner settings; the check runs once per JVM, and a mismatch throws {@link
   * ExamplesMismatchException} each time.
   */
  public void checkExamples(boolean oneDnnLstm) {
    if (closed) {
      throw new IllegalStateException("model handle for " + info().file() + " is closed");
    }
    model.checkExamples(oneDnnLstm);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      cache.release(model);
    }
  }
}
