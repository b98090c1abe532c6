package org.torchbatch.job.bench;

import org.apache.spark.sql.SparkSession;
import org.torchbatch.spark.testing.SparkTestBase;

/** The session every case runs in: local[2] with torchbatch's extension, like the README's. */
final class BenchSession {
  private BenchSession() {}

  static SparkSession start() {
    return SparkTestBase.localSession("torchbatch-bench").getOrCreate();
  }
}
