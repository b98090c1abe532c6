package org.torchbatch.spark

import org.apache.spark.sql.catalyst.rules.Rule
import org.apache.spark.sql.execution.{ColumnarRule, ColumnarToRowExec, SparkPlan}

/**
 * Lets [[BatchPredictExec]] read a columnar child (the vectorized Parquet reader) directly
 * instead of through ColumnarToRow, when every argument is a plain column it can copy in bulk.
 */
object ColumnarPredictInput extends ColumnarRule {
  override def postColumnarTransitions: Rule[SparkPlan] = new Rule[SparkPlan] {
    override def apply(plan: SparkPlan): SparkPlan = plan.transformUp {
      case exec @ BatchPredictExec(_, _, ColumnarToRowExec(columnar), _, false)
          if exec.canReadColumns =>
        exec.copy(child = columnar, columnarInput = true)
    }
  }
}
