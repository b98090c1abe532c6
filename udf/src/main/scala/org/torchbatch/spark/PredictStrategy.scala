package org.torchbatch.spark

import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan
import org.apache.spark.sql.execution.{SparkPlan, SparkStrategy}
import org.torchbatch.runtime.TorchbatchException

/** Plans [[BatchPredict]] as [[BatchPredictExec]]; a `predict` left anywhere else is an error. */
object PredictStrategy extends SparkStrategy {
  override def apply(plan: LogicalPlan): Seq[SparkPlan] = plan match {
    case BatchPredict(calls, results, child, passthrough) =>
      BatchPredictExec(calls, results, planLater(child), passthrough) :: Nil
    case other if other.expressions.exists(_.exists(_.isInstanceOf[PredictExpression])) =>
      throw new TorchbatchException(
        s"predict(...) cannot run inside ${other.nodeName}: compute it in a SELECT list (or a " +
          "WHERE clause) of a subquery first, then use its column")
    case _ => Nil
  }
}
