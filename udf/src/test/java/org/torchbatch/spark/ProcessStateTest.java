package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.scheduler.SparkListenerInterface;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.spark.testing.SparkTestBase;

/** The JVM's state goes when the application ends, and a query after that builds it again. */
class ProcessStateTest extends SparkTestBase {
  private static long predictions() {
    return spark
        .sql(
            "SELECT predict(transform(sequence(0, 3), i -> CAST(id + i AS FLOAT))) AS p"
                + " FROM range(0, 500, 1, 2)")
        .where("p IS NOT NULL")
        .count();
  }

  @Test
  void theApplicationsEndReleasesWhatTheJvmKept() {
    assertThat(predictions()).isEqualTo(500);
    assertThat(ModelCache.shared().loadedModels()).isPositive();
    assertThat(ModelInspector.preparedCount()).isPositive();
    assertThat(Learned.count()).isPositive();

    SparkListenerInterface atEnd =
        spark.sparkContext().listenerBus().listeners().stream()
            .filter(listener -> listener instanceof ProcessState.AtApplicationEnd)
            .findFirst()
            .orElseThrow(() -> new AssertionError("the extension registers the release"));
    atEnd.onApplicationEnd(new SparkListenerApplicationEnd(System.currentTimeMillis(), null));

    assertThat(ModelCache.shared().loadedModels()).as("idle models closed").isZero();
    assertThat(ModelInspector.preparedCount()).isZero();
    assertThat(Learned.count()).isZero();
    assertThat(predictions()).as("the next query builds its state again").isEqualTo(500);
    assertThat(ModelInspector.preparedCount()).isPositive();
  }
}
