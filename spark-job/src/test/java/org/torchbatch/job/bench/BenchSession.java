package org.torchbatch.job.bench;

import org.apache.spark.sql.SparkSession;
import org.torchbatch.spark.TorchbatchExtensions;

/** The session every case runs in: local[2] with torchbatch's extension, like the README's. */
final class BenchSession {
  private BenchSession() {}

  static SparkSession start() {
    return SparkSession.builder()
        .master("local[2]")
        .appName("torchbatch-bench")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.extensions", TorchbatchExtensions.class.getName())
        .getOrCreate();
  }
}
