package org.torchbatch.spark

import org.apache.spark.sql.catalyst.expressions.{Attribute, AttributeSet}
import org.apache.spark.sql.catalyst.plans.logical.{LogicalPlan, UnaryNode}

/**
 * Runs `calls` over the child's rows in batches; outputs the `passthrough` columns of the child
 * (those the plan above still needs) and one column per call.
 */
case class BatchPredict(
    calls: Seq[PredictExpression],
    resultAttrs: Seq[Attribute],
    child: LogicalPlan,
    passthrough: Seq[Attribute])
    extends UnaryNode {

  override def output: Seq[Attribute] = passthrough ++ resultAttrs

  override def producedAttributes: AttributeSet = AttributeSet(resultAttrs)

  override protected def withNewChildInternal(newChild: LogicalPlan): BatchPredict =
    copy(child = newChild)
}
