package org.torchbatch.spark.parquet;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;
import java.util.Map;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Puts torchbatch-parquet's off-heap blocks, which Spark's memory manager does not see, in each
 * executor's metrics ({@code spark.plugins=org.torchbatch.spark.parquet.ReaderMetricsPlugin}):
 * {@code offHeapHeldBytes} (blocks readers hold now), {@code offHeapKeptBytes} (free blocks kept
 * for the next reader) and {@code offHeapPeakBytes} (the most of both at once), under the source
 * {@code plugin.org.torchbatch.spark.parquet.ReaderMetricsPlugin}.
 */
public final class ReaderMetricsPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext context, Map<String, String> extraConf) {
        register(context.metricRegistry());
      }
    };
  }

  private static void register(MetricRegistry metrics) {
    metrics.register("offHeapHeldBytes", (Gauge<Long>) NativeBuffers::lentBytes);
    metrics.register("offHeapKeptBytes", (Gauge<Long>) NativeBuffers::keptBytes);
    metrics.register("offHeapPeakBytes", (Gauge<Long>) NativeBuffers::peakBytes);
  }
}
