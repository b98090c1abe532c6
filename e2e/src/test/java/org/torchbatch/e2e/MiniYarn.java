package org.torchbatch.e2e;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;

/**
 * A one-node YARN on 127.0.0.1 in its own JVM, for the e2e cluster: `MiniYarn HDFS_URI CONF_DIR`.
 * It writes its client configuration (with HDFS as the default filesystem) to CONF_DIR's
 * core-site.xml and yarn-site.xml, which spark-submit reads as HADOOP_CONF_DIR.
 */
public final class MiniYarn {
  private MiniYarn() {}

  public static void main(String[] args) throws Exception {
    try {
      start(args);
    } catch (Throwable e) {
      // YARN's service threads would keep a JVM whose start failed alive
      e.printStackTrace();
      System.exit(1);
    }
    Thread.currentThread().join();
  }

  private static void start(String[] args) throws Exception {
    YarnConfiguration conf = new YarnConfiguration();
    conf.set("fs.defaultFS", args[0]);
    conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
    conf.set("yarn.nodemanager.resource.memory-mb", "6144");
    conf.set("yarn.nodemanager.resource.cpu-vcores", "4");
    conf.set(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, "128");
    // the capacity scheduler with one queue (its XML file is not on this classpath)
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
    conf.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
    // executors hold libtorch's native memory, which YARN's memory checks would count as a leak
    conf.set(YarnConfiguration.NM_PMEM_CHECK_ENABLED, "false");
    conf.set(YarnConfiguration.NM_VMEM_CHECK_ENABLED, "false");
    // a nearly full disk on a developer machine must not mark the only node unhealthy
    conf.set(YarnConfiguration.NM_MAX_PER_DISK_UTILIZATION_PERCENTAGE, "100.0");
    MiniYARNCluster yarn = new MiniYARNCluster("torchbatch-e2e", 1, 1, 1);
    yarn.init(conf);
    yarn.start();
    Runtime.getRuntime().addShutdownHook(new Thread(yarn::stop));
    Configuration client = yarn.getConfig();
    while (client.get(YarnConfiguration.RM_ADDRESS, "").endsWith(":0")) {
      Thread.sleep(100);
    }
    Path dir = Files.createDirectories(Path.of(args[1]));
    for (String file : new String[] {"core-site.xml", "yarn-site.xml"}) {
      try (OutputStream out = Files.newOutputStream(dir.resolve(file))) {
        client.writeXml(out);
      }
    }
    System.out.println("YARN ready at " + client.get(YarnConfiguration.RM_ADDRESS));
  }
}
