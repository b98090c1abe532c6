package org.torchbatch.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
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

  /**
   * Rows the plan's sources produced (each leaf's {@code numOutputRows}): the rows read from the
   * input, before any filter.
   */
  public static long scannedRows(SparkPlan plan) {
    long rows = 0;
    for (SparkPlan node : nodes(plan)) {
      boolean leaf =
          node.children().isEmpty()
              && !(node instanceof AdaptiveSparkPlanExec)
              && !(node instanceof QueryStageExec);
      if (leaf && node.metrics().contains("numOutputRows")) {
        rows += node.metrics().apply("numOutputRows").value();
      }
    }
    return rows;
  }

  /** Every node of the plan, each once. */
  public static List<SparkPlan> nodes(SparkPlan plan) {
    Set<SparkPlan> found = Collections.newSetFromMap(new IdentityHashMap<>());
    collect(plan, found);
    return new ArrayList<>(found);
  }

  private static void collect(SparkPlan plan, Set<SparkPlan> found) {
    // a node can be both a child and an inner child (InputAdapter): count it once
    if (!found.add(plan)) {
      return;
    }
    if (plan instanceof AdaptiveSparkPlanExec adaptive) {
      collect(adaptive.executedPlan(), found);
    } else if (plan instanceof QueryStageExec stage) {
      collect(stage.plan(), found);
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      collect(child, found);
    }
    // plans held beside the children: a command's physical plan in CommandResultExec, subqueries
    for (Object inner : CollectionConverters.asJava(plan.innerChildren())) {
      if (inner instanceof SparkPlan innerPlan) {
        collect(innerPlan, found);
      }
    }
  }
}
