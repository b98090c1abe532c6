package org.torchbatch.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.internal.config.ConfigEntry$;
import org.apache.spark.sql.internal.SQLConf$;
import org.apache.spark.sql.internal.StaticSQLConf$;
import org.junit.jupiter.api.Test;
import org.torchbatch.spark.Setting;
import org.torchbatch.spark.TorchbatchConf;

/**
 * Every key in conf/spark-defaults.conf, set or commented out, is one Spark or torchbatch reads:
 * Spark ignores a key it does not know (spark.driverEnv.* was one), so an invented key would
 * silently do nothing on a user's cluster.
 */
class SparkDefaultsTest {
  private static final Pattern KEY = Pattern.compile("^#?\\s*(spark\\.[A-Za-z0-9._-]+)\\s");
  // families Spark reads by prefix, and modules (YARN, Kubernetes) not on this classpath
  private static final List<Pattern> FAMILIES =
      List.of(
          Pattern.compile("spark\\.executorEnv\\..+"),
          Pattern.compile("spark\\.yarn\\.appMasterEnv\\..+"),
          Pattern.compile("spark\\.kubernetes\\.driverEnv\\..+"),
          Pattern.compile("spark\\.hadoop\\..+"),
          Pattern.compile(
              "spark\\.(driver|executor|worker|task)\\.resource\\.[a-z]+\\.(amount|discoveryScript"
                  + "|vendor)"));
  private static final Set<String> TORCHBATCH =
      TorchbatchConf.GLOBAL.stream().map(Setting::name).collect(Collectors.toSet());
  // spark-yarn's, not on this classpath; e2e's YarnJobTest submits with them
  private static final Set<String> YARN = Set.of("spark.yarn.maxAppAttempts");

  @Test
  void everyKeyIsOneSparkOrTorchbatchReads() throws IOException {
    // Spark's entries register when their holders load
    org.apache.spark.internal.config.package$.MODULE$.toString();
    SQLConf$.MODULE$.toString();
    StaticSQLConf$.MODULE$.toString();
    List<String> keys = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("..", "conf", "spark-defaults.conf"))) {
      Matcher key = KEY.matcher(line);
      if (key.find()) {
        keys.add(key.group(1));
      }
    }
    assertThat(keys).hasSizeGreaterThan(10);
    assertThat(keys).allSatisfy(key -> assertThat(known(key)).as(key).isTrue());
    assertThat(known("spark.driverEnv.DJL_OFFLINE")).isFalse();
  }

  private static boolean known(String key) {
    return TORCHBATCH.contains(key)
        || YARN.contains(key)
        || FAMILIES.stream().anyMatch(family -> family.matcher(key).matches())
        || ConfigEntry$.MODULE$.findEntry(key) != null;
  }
}
