package org.torchbatch.spark

import scala.jdk.CollectionConverters._

import org.apache.spark.SparkContext
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.expressions.{Expression, Literal}
import org.apache.spark.unsafe.types.UTF8String

/**
 * Builds `predict(features)` (the default model) and `predict('name', arg1, ...)` (a named one)
 * from the session's conf, checking the model on the driver before any task runs.
 */
object PredictFunction {
  val Name = "predict"

  def build(arguments: Seq[Expression]): Expression = {
    val conf = SparkSession.active.conf.getAll.asJava
    val declared = ModelConfig.declaredNames(conf).asScala.toSet
    val (name, inputs) = arguments match {
      case Seq(Literal(model: UTF8String, _), rest @ _*) if rest.nonEmpty && declared(model.toString) =>
        (model.toString, rest)
      case _ => (ModelConfig.defaultName(conf), arguments)
    }
    val model = ModelInspector.prepare(
      ModelConfig.parse(name, conf),
      inputs.map(_.dataType).asJava,
      SparkContext.getOrCreate().hadoopConfiguration)
    PredictExpression(model, inputs)
  }
}
