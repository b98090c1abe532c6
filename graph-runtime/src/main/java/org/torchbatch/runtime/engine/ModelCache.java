package org.torchbatch.runtime.engine;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.runtime.TorchbatchException;
import org.torchbatch.runtime.archive.ArchiveDigest;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.archive.ArchiveReader;

/**
 * The JVM's loaded models: one per (archive sha256, device), shared by every thread that asks,
 * reference counted. A model nobody holds stays loaded for the next task until more than {@code
 * maxIdle} models are idle; then the least recently released one is closed.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final ModelCache SHARED = new ModelCache(2);

  private final int maxIdle;
  private final Map<ModelKey, LoadedModel> models = new HashMap<>();
  private final Deque<LoadedModel> idle = new ArrayDeque<>();
  private final AtomicLong loads = new AtomicLong();
  private final AtomicLong loadNanos = new AtomicLong();

  public ModelCache(int maxIdle) {
    this.maxIdle = maxIdle;
  }

  /** The cache every caller in this JVM shares. */
  public static ModelCache shared() {
    return SHARED;
  }

  /**
   * A handle on the model for this archive and device, loading it if no thread has yet. Close the
   * handle when done with it.
   */
  public synchronized ModelHandle acquire(Path archive, DeviceSpec device) {
    TorchEngine.settings();
    checkDevice(device);
    ModelKey key = new ModelKey(ArchiveDigest.sha256(archive), device);
    LoadedModel model = models.get(key);
    if (model == null) {
      model = load(archive, key);
      models.put(key, model);
    }
    idle.remove(model);
    model.retain();
    return new ModelHandle(this, model);
  }

  /** Models loaded by this cache since the JVM started (not cache hits). */
  public long loads() {
    return loads.get();
  }

  public long loadMillis() {
    return loadNanos.get() / 1_000_000;
  }

  public synchronized int loadedModels() {
    return models.size();
  }

  /** Handles acquired and not yet closed, over every model: a leak check for callers' tests. */
  public synchronized int openHandles() {
    return models.values().stream().mapToInt(LoadedModel::references).sum();
  }

  /** Closes every model that no handle holds. */
  public synchronized void evictIdle() {
    while (!idle.isEmpty()) {
      evict(idle.removeFirst());
    }
  }

  synchronized void release(LoadedModel model) {
    model.release();
    if (model.references() == 0) {
      idle.addLast(model);
      while (idle.size() > maxIdle) {
        evict(idle.removeFirst());
      }
    }
  }

  private void evict(LoadedModel model) {
    models.remove(model.key());
    model.close();
    LOG.info("Closed idle model {} on {}", model.info().file(), model.key().device());
  }

  private LoadedModel load(Path archive, ModelKey key) {
    ArchiveInfo info = ArchiveReader.read(archive);
    long begin = System.nanoTime();
    LoadedModel model = LoadedModel.load(archive, info, key);
    long elapsed = System.nanoTime() - begin;
    loads.incrementAndGet();
    loadNanos.addAndGet(elapsed);
    LOG.info(
        "Loaded model {} (sha256 {}) on {} in {} ms",
        info.file(),
        key.sha256().substring(0, 12),
        key.device(),
        elapsed / 1_000_000);
    return model;
  }

  private static void checkDevice(DeviceSpec device) {
    if (device.cuda() && device.index() >= TorchEngine.gpuCount()) {
      throw new TorchbatchException(
          "Device "
              + device
              + " was asked for, but libtorch sees "
              + TorchEngine.gpuCount()
              + " GPU(s) (this build uses "
              + TorchEngine.NATIVE_ARTIFACT
              + " or the machine has no CUDA device): use device cpu, or auto to fall back");
    }
  }
}
