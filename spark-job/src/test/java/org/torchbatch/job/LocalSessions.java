package org.torchbatch.job;

import org.apache.spark.sql.SparkSession;
import org.torchbatch.spark.TorchbatchExtensions;

/** The local[2] session of the job's tests, with torchbatch's extension, on 127.0.0.1. */
final class LocalSessions {
  private LocalSessions() {}

  static SparkSession.Builder builder() {
    return SparkSession.builder()
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.extensions", TorchbatchExtensions.class.getName());
  }
}
