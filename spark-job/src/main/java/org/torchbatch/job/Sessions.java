package org.torchbatch.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.spark.TorchbatchExtensions;

/** The job's Spark session: spark-submit's when run by it, else an embedded local one. */
final class Sessions {
  private Sessions() {}

  static SparkSession get(String master) {
    SparkConf conf = new SparkConf();
    String extensions = conf.get("spark.sql.extensions", "");
    if (!extensions.contains(TorchbatchExtensions.class.getName())) {
      conf.set(
          "spark.sql.extensions",
          extensions.isEmpty()
              ? TorchbatchExtensions.class.getName()
              : extensions + "," + TorchbatchExtensions.class.getName());
    }
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setIfMissing("spark.app.name", "torchbatch");
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
