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

  /** A runner for the calling thread; runners are cheap and not thread-safe. */
  public ModelRunner newRunner() {
    if (closed) {
      throw new IllegalStateException("model handle for " + info().file() + " is closed");
    }
    return new ModelRunner(model);
  }

  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      cache.release(model);
    }
  }
}
