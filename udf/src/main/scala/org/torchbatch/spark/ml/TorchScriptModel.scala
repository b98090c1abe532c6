package org.torchbatch.spark.ml

import org.apache.spark.ml.Transformer
import org.apache.spark.ml.param.{BooleanParam, Param, ParamMap, ParamValidators, StringArrayParam}
import org.apache.spark.ml.util.{DefaultParamsReadable, DefaultParamsWritable, Identifiable}
import scala.jdk.CollectionConverters._

import org.apache.spark.sql.{functions, DataFrame, Dataset, SparkSession}
import org.apache.spark.sql.types.StructType
import org.torchbatch.runtime.engine.BatchSizer
import org.torchbatch.spark.{ModelConfig, TorchbatchFunctions}

/**
 * A Spark ML Transformer that adds a TorchScript model's predictions. It builds its model from its
 * params and selects [[TorchbatchFunctions.predict]], so it plans through the same batched
 * operator as SQL and writes no session conf. Saving it saves the archive's path, not the archive.
 */
class TorchScriptModel(override val uid: String)
    extends Transformer with DefaultParamsWritable {

  def this() = this(Identifiable.randomUID("torchscript"))

  final val modelPath = new Param[String](this, "modelPath", "TorchScript archive (any Hadoop FS path)")
  final val method = new Param[String](this, "method", "method to call")
  final val inputCols = new StringArrayParam(this, "inputCols",
    "one column or SQL expression per positional argument, e.g. features or array(a, b, c)")
  final val outputCol = new Param[String](this, "outputCol",
    "column for the result: the single output, or a struct of all outputs")
  final val outputCols = new StringArrayParam(this, "outputCols",
    "names for the model's outputs, in order; with several outputs each becomes its own column")
  final val batchSize = new Param[String](this, "batchSize",
    "rows per model call: a positive integer, or auto to grow it while throughput rises",
    (value: String) => scala.util.Try(BatchSizer.validate("batchSize", value)).isSuccess)
  final val device = new Param[String](this, "device", "auto, cpu, cuda or cuda:N")
  final val nullPolicy = new Param[String](this, "nullPolicy", "fail or null",
    ParamValidators.inArray(Array("fail", "null")))
  final val shapes = new StringArrayParam(this, "shapes",
    "per argument, one row's shape such as 3,32,32 (empty keeps the column's shape)")
  final val dtypes = new StringArrayParam(this, "dtypes",
    "per argument, the tensor dtype such as float32 (empty takes what the archive implies)")

  final val oneDnnLstm = new BooleanParam(this, "oneDnnLstm",
    "let oneDNN run LSTM layers on the CPU: faster on AVX-512, not PyTorch's numbers on every CPU")

  final val checkExamples = new BooleanParam(this, "checkExamples",
    "run the examples the archive carries where the model loads; fail when they differ from PyTorch's")

  final val onError = new Param[String](this, "onError",
    "fail: a row the model cannot predict fails the job; null: it gets a null prediction",
    ParamValidators.inArray(Array("fail", "null")))

  setDefault(method -> "forward", outputCol -> "prediction", outputCols -> Array.empty[String],
    batchSize -> ModelConfig.DEFAULT_BATCH_SIZE, device -> "auto", nullPolicy -> "fail",
    shapes -> Array.empty[String], dtypes -> Array.empty[String], oneDnnLstm -> false,
    checkExamples -> true, onError -> "fail")

  def setModelPath(value: String): this.type = set(modelPath, value)
  def setMethod(value: String): this.type = set(method, value)
  def setInputCols(value: Array[String]): this.type = set(inputCols, value)
  def setOutputCol(value: String): this.type = set(outputCol, value)
  def setOutputCols(value: Array[String]): this.type = set(outputCols, value)
  def setBatchSize(value: Int): this.type = set(batchSize, value.toString)
  def setBatchSize(value: String): this.type = set(batchSize, value)
  def setDevice(value: String): this.type = set(device, value)
  def setNullPolicy(value: String): this.type = set(nullPolicy, value)
  def setShapes(value: Array[String]): this.type = set(shapes, value)
  def setDtypes(value: Array[String]): this.type = set(dtypes, value)
  def setOneDnnLstm(value: Boolean): this.type = set(oneDnnLstm, value)
  def setCheckExamples(value: Boolean): this.type = set(checkExamples, value)
  def setOnError(value: String): this.type = set(onError, value)

  override def transform(dataset: Dataset[_]): DataFrame = {
    // each argument is a column or SQL expression the user wrote, parsed as one expression
    val arguments = $(inputCols).map(functions.expr)
    val prediction = TorchbatchFunctions.predict(model(), arguments: _*)
    val withResult = dataset.toDF().withColumn($(outputCol), prediction)
    val result = withResult.schema($(outputCol)).dataType
    if ($(outputCols).length > 1 && result.isInstanceOf[StructType]) {
      val predicted = TorchbatchFunctions.columnNamed($(outputCol))
      val kept = dataset.columns.map(TorchbatchFunctions.columnNamed)
      val fields = $(outputCols).map(f => predicted.getField(f).as(f))
      withResult.select(kept ++ fields: _*)
    } else {
      withResult
    }
  }

  override def transformSchema(schema: StructType): StructType = {
    val spark = SparkSession.active
    val empty = spark.createDataFrame(spark.sparkContext.emptyRDD[org.apache.spark.sql.Row], schema)
    transform(empty).schema
  }

  override def copy(extra: ParamMap): TorchScriptModel = defaultCopy(extra)

  /** This transformer's model, from its params, named after its uid in messages. */
  private def model(): ModelConfig = {
    require(isDefined(modelPath), "TorchScriptModel needs modelPath")
    require(isDefined(inputCols) && $(inputCols).nonEmpty, "TorchScriptModel needs inputCols")
    ModelConfig.of(
      uid.replaceAll("[^A-Za-z0-9_]", "_"),
      Map(
        "path" -> $(modelPath),
        "method" -> $(method),
        "batchSize" -> $(batchSize),
        "device" -> $(device),
        "nullPolicy" -> $(nullPolicy),
        "outputs" -> $(outputCols).mkString(","),
        "shapes" -> $(shapes).mkString(";"),
        "dtypes" -> $(dtypes).mkString(";"),
        "oneDnnLstm" -> $(oneDnnLstm).toString,
        "checkExamples" -> $(checkExamples).toString,
        "onError" -> $(onError)).asJava)
  }
}

object TorchScriptModel extends DefaultParamsReadable[TorchScriptModel]
