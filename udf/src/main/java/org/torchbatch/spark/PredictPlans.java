package org.torchbatch.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import scala.jdk.javaapi.CollectionConverters;

/** Walks an executed plan, inside adaptive execution's stages too, for the batch operators. */
public final class PredictPlans {
  private PredictPlans() {}

  public static List<BatchPredictExec> operators(SparkPlan plan) {
    List<BatchPredictExec> found = new ArrayList<>();
    for (SparkPlan node : nodes(plan)) {
      if (node instanceof BatchPredictExec exec) {
        found.add(exec);
      }
    }
    return found;
  }

  /** The sum of one SQL metric over every batch operator of the plan. */
  public static long metric(SparkPlan plan, String name) {
    return operators(plan).stream().mapToLong(op -> op.metrics().apply(name).value()).sum();
  }

  /** Every node of the plan, top down. */
  public static List<SparkPlan> nodes(SparkPlan plan) {
    List<SparkPlan> found = new ArrayList<>();
    collect(plan, found);
    return found;
  }

  private static void collect(SparkPlan plan, List<SparkPlan> found) {
    found.add(plan);
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      collect(adaptive.executedPlan(), found);
    } else if (plan instanceof QueryStageExec stage) {
      collect(stage.plan(), found);
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      collect(child, found);
    }
  }
}
