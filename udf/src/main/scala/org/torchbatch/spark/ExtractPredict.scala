package org.torchbatch.spark

import org.apache.spark.sql.catalyst.expressions.{Alias, Attribute, AttributeReference, AttributeSet, ExprId, Expression, NamedExpression, PredicateHelper}
import org.apache.spark.sql.catalyst.plans.Inner
import org.apache.spark.sql.catalyst.plans.logical.{Aggregate, Filter, Join, LogicalPlan, Project}
import org.apache.spark.sql.catalyst.rules.Rule

/**
 * Lifts `predict` calls out of projections, filters, aggregate inputs and join conditions into
 * [[BatchPredict]] nodes below them, as Spark's ExtractPythonUDFs does for Python UDFs; nested
 * calls become a chain of nodes, innermost first.
 */
object ExtractPredict extends Rule[LogicalPlan] with PredicateHelper {

  override def apply(plan: LogicalPlan): LogicalPlan = plan.transformUp {
    case Project(list, child) if hasPredict(list) =>
      val (rewritten, node) = extract(list, child)
      Project(rewritten.map(_.asInstanceOf[NamedExpression]), keepOnly(node, rewritten))

    case project @ Project(list, batch: BatchPredict) =>
      val renamed = aliasedResults(list, batch)
      if (renamed.isEmpty) project
      else Project(
        list.map {
          case alias: Alias if renamed.values.exists(_.exprId == alias.exprId) => alias.toAttribute
          case other => other.transform {
            case a: Attribute if renamed.contains(a.exprId) => renamed(a.exprId)
          }.asInstanceOf[NamedExpression]
        },
        batch.copy(resultAttrs = batch.resultAttrs.map(a => renamed.getOrElse(a.exprId, a))))

    case Filter(condition, child) if hasPredict(Seq(condition)) =>
      val (Seq(rewritten), node) = extract(Seq(condition), child)
      Project(child.output, Filter(rewritten, node))

    case aggregate: Aggregate
        if hasPredict(aggregate.groupingExpressions ++ aggregate.aggregateExpressions) &&
          predicts(aggregate.groupingExpressions ++ aggregate.aggregateExpressions)
            .forall(_.references.subsetOf(aggregate.child.outputSet)) =>
      val groups = aggregate.groupingExpressions
      val (rewritten, node) = extract(groups ++ aggregate.aggregateExpressions, aggregate.child)
      aggregate.copy(
        groupingExpressions = rewritten.take(groups.size),
        aggregateExpressions = rewritten.drop(groups.size).map(_.asInstanceOf[NamedExpression]),
        child = node)

    case join @ Join(left, right, joinType, Some(condition), hint) if hasPredict(Seq(condition)) =>
      val (oneSide, bothSides) = splitConjunctivePredicates(condition).partition { c =>
        predicts(Seq(c)).forall(p =>
          p.references.subsetOf(left.outputSet) || p.references.subsetOf(right.outputSet))
      }
      if (bothSides.exists(c => hasPredict(Seq(c))) && joinType == Inner) {
        val kept = oneSide.reduceOption(org.apache.spark.sql.catalyst.expressions.And)
        Project(join.output, Filter(bothSides.reduce(org.apache.spark.sql.catalyst.expressions.And),
          join.copy(condition = kept)))
      } else {
        val calls = innermost(Seq(condition))
        val leftCalls = calls.filter(_.references.subsetOf(left.outputSet))
        val rightCalls = calls.filter(c => !leftCalls.contains(c) && c.references.subsetOf(right.outputSet))
        val (afterLeft, newLeft) = extractCalls(Seq(condition), left, leftCalls)
        val (afterRight, newRight) = extractCalls(afterLeft, right, rightCalls)
        Project(join.output, Join(newLeft, newRight, joinType, Some(afterRight.head), hint))
      }
  }

  /**
   * Results that the projection right above only renames (`predict(x) AS p`), each with the
   * attribute its first alias makes: given that name and id, the result passes through the
   * projection unchanged, so Spark drops the projection and each row is copied once fewer.
   */
  private def aliasedResults(
      list: Seq[NamedExpression],
      batch: BatchPredict): Map[ExprId, Attribute] = {
    // a result the projection already outputs as it is keeps its name
    val shown = list.collect { case a: Attribute => a.exprId }.toSet
    val results = batch.resultAttrs.map(_.exprId).toSet -- shown
    list.collect { case alias @ Alias(result: Attribute, _) if results(result.exprId) =>
      result.exprId -> alias.toAttribute
    }.groupBy(_._1).map { case (id, aliases) => id -> aliases.head._2 }
  }

  /** The outermost node passes through only the child columns the projection still reads. */
  private def keepOnly(node: LogicalPlan, expressions: Seq[Expression]): LogicalPlan = node match {
    case batch: BatchPredict =>
      val needed = AttributeSet(expressions.flatMap(_.references))
      batch.copy(passthrough = batch.passthrough.filter(needed.contains))
    case other => other
  }

  private def hasPredict(expressions: Seq[Expression]): Boolean =
    expressions.exists(_.exists(_.isInstanceOf[PredictExpression]))

  private def predicts(expressions: Seq[Expression]): Seq[PredictExpression] =
    expressions.flatMap(_.collect { case p: PredictExpression => p })

  /** Calls whose arguments hold no other call: they can run first. */
  private def innermost(expressions: Seq[Expression]): Seq[PredictExpression] = {
    val found = predicts(expressions).filterNot(_.children.exists(hasPredictIn))
    found.foldLeft(Seq.empty[PredictExpression]) { (kept, p) =>
      if (kept.exists(_.semanticEquals(p))) kept else kept :+ p
    }
  }

  private def hasPredictIn(e: Expression): Boolean = e.exists(_.isInstanceOf[PredictExpression])

  private def extract(
      expressions: Seq[Expression],
      child: LogicalPlan): (Seq[Expression], LogicalPlan) = {
    val calls = innermost(expressions)
    if (calls.isEmpty) {
      (expressions, child)
    } else {
      val (rewritten, node) = extractCalls(expressions, child, calls)
      extract(rewritten, node)
    }
  }

  private def extractCalls(
      expressions: Seq[Expression],
      child: LogicalPlan,
      calls: Seq[PredictExpression]): (Seq[Expression], LogicalPlan) = {
    if (calls.isEmpty) {
      (expressions, child)
    } else {
      val results = calls.map(c => AttributeReference(s"predict_${c.model.name}", c.dataType)())
      val rewritten = expressions.map(_.transformUp {
        case p: PredictExpression if calls.exists(_.semanticEquals(p)) =>
          results(calls.indexWhere(_.semanticEquals(p)))
      })
      (rewritten, BatchPredict(calls, results, child, child.output))
    }
  }
}
