package org.torchbatch.spark;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.runtime.archive.ArchiveDigest;
import org.torchbatch.runtime.engine.ModelCache;

/**
 * What torchbatch keeps for the JVM rather than for a task or a query (docs/development.md lists it
 * with its bounds). Each holder registers how to let its state go, and all of it goes when the
 * Spark application ends (a driver's JVM may outlive it: notebooks, servers, tests) or a test calls
 * {@link #release}. An executor's JVM ends with the application and takes it all along.
 */
public final class ProcessState {
  private static final Logger LOG = LoggerFactory.getLogger(ProcessState.class);
  private static final Map<String, Runnable> HOLDERS = new LinkedHashMap<>();
  private static final Set<SparkContext> WATCHED =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  static {
    register("idle loaded models", () -> ModelCache.shared().evictIdle());
    register("archive digests", ArchiveDigest::forget);
  }

  private ProcessState() {}

  /** Adds (or replaces) the release of {@code what}, run by every later {@link #release}. */
  public static synchronized void register(String what, Runnable release) {
    HOLDERS.put(what, release);
  }

  /**
   * Lets go of everything registered: idle models closed, caches emptied, kept memory freed. What a
   * running task holds stays with it; the next query builds what it needs again.
   */
  public static synchronized void release() {
    HOLDERS.forEach(
        (what, release) -> {
          try {
            release.run();
          } catch (RuntimeException e) {
            LOG.warn("Could not release {}: {}", what, e.toString());
          }
        });
    LOG.info("Released torchbatch's process-wide state: {}", String.join(", ", HOLDERS.keySet()));
  }

  /** Releases everything when {@code context}'s application ends; once per context. */
  static void releaseAtEnd(SparkContext context) {
    if (WATCHED.add(context)) {
      context.addSparkListener(new AtApplicationEnd());
    }
  }

  /** The listener {@link #releaseAtEnd} adds. */
  static final class AtApplicationEnd extends SparkListener {
    @Override
    public void onApplicationEnd(SparkListenerApplicationEnd end) {
      release();
    }
  }
}
