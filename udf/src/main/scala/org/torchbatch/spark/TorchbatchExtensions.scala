package org.torchbatch.spark

import org.apache.spark.sql.SparkSessionExtensions
import org.apache.spark.sql.catalyst.FunctionIdentifier
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo

/**
 * Enable with `spark.sql.extensions=org.torchbatch.spark.TorchbatchExtensions`: registers
 * `predict(...)`, the rule that resolves [[TorchbatchFunctions]]' calls, the rule that batches
 * them, and the operator that runs them.
 */
class TorchbatchExtensions extends (SparkSessionExtensions => Unit) {
  override def apply(extensions: SparkSessionExtensions): Unit = {
    extensions.injectFunction((
      FunctionIdentifier(PredictFunction.Name),
      new ExpressionInfo(
        classOf[PredictExpression].getName,
        null,
        PredictFunction.Name,
        "predict([model,] arg1, ...) - runs the TorchScript model declared in " +
          "spark.torchbatch.model.<name>.* over its arguments, in batches",
        ""),
      PredictFunction.build _))
    extensions.injectResolutionRule { session =>
      ProcessState.releaseAtEnd(session.sparkContext)
      ResolvePredictCalls
    }
    extensions.injectOptimizerRule(_ => ExtractPredict)
    extensions.injectPlannerStrategy(_ => PredictStrategy)
    extensions.injectColumnar(_ => ColumnarPredictInput)
  }
}
