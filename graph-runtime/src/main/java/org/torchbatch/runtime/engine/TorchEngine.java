package org.torchbatch.runtime.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's PyTorch engine exactly once per JVM, offline, with natives from the classpath (the
 * {@code pytorch-native-cpu} jar) or from {@code PYTORCH_LIBRARY_PATH}; never from the network.
 */
public final class TorchEngine {
  private static final Logger LOG = LoggerFactory.getLogger(TorchEngine.class);
  private static final String NATIVE_MARKER = "native/lib/pytorch.properties";
  private static final String JNI_MARKER = "jnilib/pytorch.properties";
  public static final String LIBTORCH_VERSION = "2.7.1";
  static final String NATIVE_ARTIFACT =
      "ai.djl.pytorch:pytorch-native-cpu:" + LIBTORCH_VERSION + ":linux-x86_64";

  private static RuntimeSettings started;

  private TorchEngine() {}

  /**
   * Starts the engine with these settings, or checks that it already runs. Thread counts are
   * process-wide in libtorch: a second, different request keeps the first and logs it.
   */
  public static synchronized void start(RuntimeSettings settings) {
    if (started != null) {
      if (!started.equals(settings)) {
        LOG.info("libtorch already started with {}; keeping it (asked for {})", started, settings);
      }
      return;
    }
    System.setProperty("ai.djl.offline", "true");
    System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(settings.intraOpThreads()));
    System.setProperty(
        "ai.djl.pytorch.num_interop_threads", String.valueOf(settings.interOpThreads()));
    System.setProperty("ai.djl.pytorch.graph_optimizer", String.valueOf(settings.graphOptimizer()));
    checkNativesPresent(TorchEngine.class.getClassLoader(), System.getenv("PYTORCH_LIBRARY_PATH"));
    long begin = System.nanoTime();
    try {
      Engine engine = Engine.getEngine("PyTorch");
      LOG.info(
          "Started libtorch {} (DJL {}) in {} ms with {}",
          engine.getVersion(),
          Engine.getDjlVersion(),
          (System.nanoTime() - begin) / 1_000_000,
          settings);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new NativeLibraryException(
          "Cannot start libtorch through DJL: "
              + e.getMessage()
              + ". Add "
              + NATIVE_ARTIFACT
              + " and ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0 to the classpath,"
              + " or point PYTORCH_LIBRARY_PATH at a libtorch 2.7.1 folder; the extraction"
              + " cache is DJL_CACHE_DIR (now "
              + cacheDir()
              + ")",
          e);
    }
    started = settings;
  }

  /** The settings in force, starting the engine with executor defaults if nobody did. */
  public static synchronized RuntimeSettings settings() {
    if (started == null) {
      start(RuntimeSettings.EXECUTOR);
    }
    return started;
  }

  /** Per-thread in libtorch: each thread that runs a model must apply these itself. */
  static void applyThreadLocalSettings(int intraOpThreads) {
    JniUtils.setGraphExecutorOptimize(settings().graphOptimizer());
    if (JniUtils.getNumThreads() != intraOpThreads) {
      JniUtils.setNumThreads(intraOpThreads);
    }
  }

  /** How many CUDA devices libtorch sees (0 on a CPU-only build or machine). */
  public static int gpuCount() {
    settings();
    return Engine.getEngine("PyTorch").getGpuCount();
  }

  static void checkNativesPresent(ClassLoader loader, String libraryPathOverride) {
    if (libraryPathOverride == null && loader.getResource(NATIVE_MARKER) == null) {
      throw new NativeLibraryException(
          "libtorch natives are missing and torchbatch never downloads them: add "
              + NATIVE_ARTIFACT
              + " (or a CUDA flavour) to the classpath, or set PYTORCH_LIBRARY_PATH to a libtorch"
              + " 2.7.1 folder",
          null);
    }
    if (loader.getResource(JNI_MARKER) == null) {
      throw new NativeLibraryException(
          "DJL's JNI library is missing and torchbatch never downloads it: add"
              + " ai.djl.pytorch:pytorch-jni:2.7.1-0.36.0 to the classpath",
          null);
    }
  }

  private static String cacheDir() {
    String configured = System.getProperty("DJL_CACHE_DIR", System.getenv("DJL_CACHE_DIR"));
    return configured != null ? configured : System.getProperty("user.home") + "/.djl.ai";
  }
}
