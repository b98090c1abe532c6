package org.torchbatch.spark

import org.apache.spark.sql.catalyst.expressions.{Expression, NonSQLExpression, Unevaluable}
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan
import org.apache.spark.sql.catalyst.rules.Rule
import org.apache.spark.sql.types.DataType

/**
 * `predict` of a typed model (from [[TorchbatchFunctions]]) before its arguments are resolved:
 * [[ResolvePredictCalls]] checks the model against their types, as SQL's `predict` does when it
 * is looked up, and puts the [[PredictExpression]] in its place.
 */
case class PredictCall(config: ModelConfig, children: Seq[Expression])
    extends Expression with Unevaluable with NonSQLExpression {

  override lazy val resolved: Boolean = false

  override def dataType: DataType =
    throw new UnsupportedOperationException(s"predict of model '${config.name()}' is not resolved")

  override def nullable: Boolean = true

  override def prettyName: String = "predict"

  override protected def withNewChildrenInternal(
      newChildren: IndexedSeq[Expression]): PredictCall = copy(children = newChildren)
}

/** Prepares each [[PredictCall]] whose arguments are resolved: the model is checked once, here. */
object ResolvePredictCalls extends Rule[LogicalPlan] {
  override def apply(plan: LogicalPlan): LogicalPlan = plan.resolveExpressions {
    case call: PredictCall if call.children.forall(_.resolved) =>
      PredictFunction.prepare(call.config, call.children)
  }
}
