package org.torchbatch.spark.testing;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.ModelConfig;
import org.torchbatch.spark.TorchbatchExtensions;

/** One local[2] Spark session for every Spark test in the JVM, with torchbatch's extensions. */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  public static void startSpark() {
    if (spark == null) {
      spark =
          localSession("torchbatch-tests")
              .config("spark.sql.shuffle.partitions", "2")
              .config(
                  "spark.torchbatch.model.linear.path",
                  Fixtures.archive("linear_traced").toString())
              .config("spark.torchbatch.model.linear.shapes", "4")
              .config("spark.torchbatch.defaultModel", "linear")
              .getOrCreate();
    }
  }

  /** A local[2] session on 127.0.0.1 with torchbatch's extension, for tests and benchmarks. */
  public static SparkSession.Builder localSession(String appName) {
    return SparkSession.builder()
        .master("local[2]")
        .appName(appName)
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.extensions", TorchbatchExtensions.class.getName());
  }

  /** Declares a model for the session, as {@code SET spark.torchbatch.model.<name>.<key>} would. */
  protected static void declare(String name, String key, String value) {
    spark.conf().set(ModelConfig.PREFIX + name + "." + key, value);
  }
}
