package org.torchbatch.spark

import org.apache.spark.sql.catalyst.expressions.{Expression, NonSQLExpression, Unevaluable}
import org.apache.spark.sql.types.DataType

/**
 * A call of `predict(...)` in a query. Never evaluated row by row: [[ExtractPredict]] lifts it
 * into a [[BatchPredict]] node, which runs the model over batches.
 */
case class PredictExpression(model: PreparedModel, children: Seq[Expression])
    extends Expression with Unevaluable with NonSQLExpression {

  override def dataType: DataType = model.resultType()

  override def nullable: Boolean = true

  override def prettyName: String = "predict"

  override def toString: String = s"predict(${model.describe()}, ${children.mkString(", ")})"

  override protected def withNewChildrenInternal(
      newChildren: IndexedSeq[Expression]): PredictExpression = copy(children = newChildren)
}
