package org.torchbatch.spark

import org.apache.spark.rdd.RDD
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.catalyst.expressions.{Attribute, AttributeSet}
import org.apache.spark.sql.execution.{SparkPlan, UnaryExecNode}
import org.apache.spark.sql.execution.metric.{SQLMetric, SQLMetrics}
import org.apache.spark.util.SerializableConfiguration

/**
 * The one physical operator every front door runs through: buffers the child's rows, writes the
 * projected arguments of each `predict` call into Arrow batches, runs the models through
 * arrow-bridge and graph-runtime, and rejoins each row with its results in order.
 */
case class BatchPredictExec(
    calls: Seq[PredictExpression],
    resultAttrs: Seq[Attribute],
    child: SparkPlan,
    passthrough: Seq[Attribute],
    columnarInput: Boolean = false) extends UnaryExecNode {

  override def output: Seq[Attribute] = passthrough ++ resultAttrs

  override def producedAttributes: AttributeSet = AttributeSet(resultAttrs)

  override lazy val metrics: Map[String, SQLMetric] = Map(
    "numOutputRows" -> SQLMetrics.createMetric(sparkContext, "number of output rows"),
    "batches" -> SQLMetrics.createMetric(sparkContext, "model batches"),
    "nullRows" -> SQLMetrics.createMetric(sparkContext, "rows skipped for nulls"),
    "errorRows" -> SQLMetrics.createMetric(sparkContext, "rows the model could not predict"),
    "modelTime" -> SQLMetrics.createNanoTimingMetric(sparkContext, "model time"),
    "conversionTime" -> SQLMetrics.createNanoTimingMetric(sparkContext, "input conversion time"),
    "outputConversionTime" ->
      SQLMetrics.createNanoTimingMetric(sparkContext, "output conversion time"),
    "modelLoads" -> SQLMetrics.createMetric(sparkContext, "model loads"),
    "loadTime" -> SQLMetrics.createTimingMetric(sparkContext, "model load time"))

  override def simpleString(maxFields: Int): String =
    s"BatchPredict [${calls.map(_.model.describe()).mkString(", ")}] " +
      s"args=${calls.map(_.children.mkString("(", ", ", ")")).mkString(", ")} " +
      s"batchSize=${calls.map(_.model.config().batchSize()).distinct.mkString("/")}" +
      (if (columnarInput) " input=columnar" else "")

  override protected def doExecute(): RDD[InternalRow] = {
    // broadcast, as Spark's file scans do: each executor fetches it once, not each task
    val hadoopConf =
      sparkContext.broadcast(new SerializableConfiguration(sparkContext.hadoopConfiguration))
    val timeZone = conf.sessionLocalTimeZone
    val partition =
      PredictPartition(calls, resultAttrs, child.output, passthrough, metrics, timeZone, hadoopConf)
    if (columnarInput) {
      child.executeColumnar().mapPartitions(
        batches => partition.processColumnar(batches), preservesPartitioning = true)
    } else {
      child.execute().mapPartitions(rows => partition.process(rows), preservesPartitioning = true)
    }
  }

  /** Whether every argument is a column the columnar path can copy in bulk. */
  def canReadColumns: Boolean = calls.forall(_.children.forall {
    case a: Attribute => child.outputSet.contains(a) && SparkColumns.supports(a.dataType)
    case _ => false
  })

  override protected def withNewChildInternal(newChild: SparkPlan): BatchPredictExec =
    copy(child = newChild)
}
