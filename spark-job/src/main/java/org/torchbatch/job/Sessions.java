package org.torchbatch.job;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.torchbatch.spark.TorchbatchExtensions;
import org.torchbatch.spark.parquet.ReaderMetricsPlugin;

/** The job's Spark session: spark-submit's when run by it, else an embedded local one. */
final class Sessions {
  private Sessions() {}

  static SparkSession get(String master) {
    SparkConf conf = new SparkConf();
    addTo(conf, "spark.sql.extensions", TorchbatchExtensions.class.getName());
    // torchbatch-parquet's off-heap blocks in the executors' metrics
    addTo(conf, "spark.plugins", ReaderMetricsPlugin.class.getName());
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setIfMissing("spark.app.name", "torchbatch");
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /** Adds {@code className} to the comma-separated list {@code key}, unless it is there. */
  private static void addTo(SparkConf conf, String key, String className) {
    String classes = conf.get(key, "");
    if (!java.util.Arrays.asList(classes.split(",")).contains(className)) {
      conf.set(key, classes.isEmpty() ? className : classes + "," + className);
    }
  }
}
