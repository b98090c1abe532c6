package org.torchbatch.job;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A SQL function, {@code conf_seen()}, true for every row, that records the session's conf as the
 * tasks (in this local session's JVM) saw it while a query ran: put it in a job's {@code --where}.
 */
final class ConfSeenByTasks {
  private static volatile SparkSession watched;
  private static final Set<Map<String, String>> SEEN = ConcurrentHashMap.newKeySet();

  private ConfSeenByTasks() {}

  static void register(SparkSession spark) {
    watched = spark;
    UserDefinedFunction seen =
        functions
            .udf((UDF0<Boolean>) () -> SEEN.add(conf(watched)) || true, DataTypes.BooleanType)
            .asNondeterministic();
    spark.udf().register("conf_seen", seen);
    SEEN.clear();
  }

  /** The distinct confs seen since {@link #register}. */
  static Set<Map<String, String>> seen() {
    return Set.copyOf(SEEN);
  }

  static Map<String, String> conf(SparkSession spark) {
    return Map.copyOf(CollectionConverters.asJava(spark.conf().getAll()));
  }
}
