package org.torchbatch.spark

import scala.jdk.CollectionConverters._

import org.apache.spark.SparkContext
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.expressions.{Expression, Literal, NamedExpression}
import org.apache.spark.unsafe.types.UTF8String
import org.torchbatch.runtime.TorchbatchException

/**
 * Builds `predict(features)` (the default model) and `predict('name', arg1, ...)` (a named one)
 * from the session's conf, checking the model on the driver before any task runs.
 */
object PredictFunction {
  val Name = "predict"

  def build(arguments: Seq[Expression]): Expression = {
    val conf = SparkSession.active.conf.getAll.asJava
    // a string literal first is a model's name: models take tensors, never strings
    val (name, inputs) = arguments match {
      case Seq(Literal(model: UTF8String, _), rest @ _*) =>
        if (rest.isEmpty) {
          throw new TorchbatchException(
            s"predict('$model') names a model but passes it no argument: predict('$model', column, ...)")
        }
        (model.toString, rest)
      case _ => (ModelConfig.defaultName(conf), arguments)
    }
    prepare(ModelConfig.parse(name, conf), inputs)
  }

  /** The call of `config`'s model over resolved `inputs`, checked on the driver. */
  def prepare(config: ModelConfig, inputs: Seq[Expression]): PredictExpression = {
    val model = ModelInspector.prepare(
      config,
      argumentNames(inputs).asJava,
      inputs.map(_.dataType).asJava,
      SparkContext.getOrCreate().hadoopConfiguration)
    PredictExpression(model, inputs)
  }

  /** Unique names for the arguments' Arrow columns, as users wrote them, for error messages. */
  private def argumentNames(inputs: Seq[Expression]): Seq[String] = {
    val names = inputs.map {
      case named: NamedExpression => named.name
      case other => other.sql
    }
    names.zipWithIndex.map { case (n, i) => if (names.count(_ == n) > 1) s"$n#${i + 1}" else n }
  }
}
