package org.torchbatch.spark.parquet

import scala.jdk.CollectionConverters._

import org.apache.hadoop.conf.Configuration
import org.apache.hadoop.mapreduce.Job
import org.apache.parquet.filter2.predicate.{FilterApi, FilterPredicate}
import org.apache.parquet.hadoop.{ParquetInputFormat, ParquetOutputFormat}
import org.apache.parquet.hadoop.api.WriteSupport
import org.apache.parquet.schema.MessageType
import org.apache.spark.TaskContext
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.catalyst.util.CaseInsensitiveMap
import org.apache.spark.sql.catalyst.util.RebaseDateTime.RebaseSpec
import org.apache.spark.sql.execution.datasources.{FileFormat, OutputWriterFactory, PartitionedFile}
import org.apache.spark.sql.execution.datasources.parquet.{ParquetFileFormat, ParquetFilters}
import org.apache.spark.sql.internal.{LegacyBehaviorPolicy, SQLConf}
import org.apache.spark.sql.sources.Filter
import org.apache.spark.sql.types.StructType
import org.apache.spark.util.SerializableConfiguration

/**
 * Parquet, read the way a model wants it: fixed-width numbers and lists of them are decoded page by
 * page straight into the column vectors Spark's own reader fills (a list page with no nulls is one
 * bulk copy, where Spark's reader decodes every level of every element). Files with anything else
 * are read by Spark's reader, file by file; everything else (schema, splits, partitions) is Spark's
 * Parquet source. Written rows go straight to parquet-mr's column writers ([[ColumnWriteSupport]]).
 * `spark.read.format("torchbatch-parquet")`, `df.write.format("torchbatch-parquet")`.
 */
class TensorParquetFormat extends ParquetFileFormat {
  override def shortName(): String = TensorParquetFormat.Name

  override def toString: String = "TorchbatchParquet"

  override def prepareWrite(
      sparkSession: SparkSession,
      job: Job,
      options: Map[String, String],
      dataSchema: StructType): OutputWriterFactory = {
    val factory = super.prepareWrite(sparkSession, job, options, dataSchema)
    job.getConfiguration.setClass(
      ParquetOutputFormat.WRITE_SUPPORT_CLASS, classOf[ColumnWriteSupport], classOf[WriteSupport[_]])
    factory
  }

  // this reader's vectors are off the heap and Spark's (for the files it is left) need not be, so
  // the plan is told only that they are column vectors
  override def vectorTypes(
      requiredSchema: StructType,
      partitionSchema: StructType,
      sqlConf: SQLConf): Option[Seq[String]] = None

  override def buildReaderWithPartitionValues(
      sparkSession: SparkSession,
      dataSchema: StructType,
      partitionSchema: StructType,
      requiredSchema: StructType,
      filters: Seq[Filter],
      options: Map[String, String],
      hadoopConf: Configuration): PartitionedFile => Iterator[InternalRow] = {
    val sparkReader = super.buildReaderWithPartitionValues(
      sparkSession, dataSchema, partitionSchema, requiredSchema, filters, options,
      TensorParquetFormat.checkingChecksums(hadoopConf))
    val conf = SQLConf.get
    val returningBatch = options.get(FileFormat.OPTION_RETURNING_BATCH).contains("true")
    // columns matched by Parquet field id are Spark's reader's to handle
    if (!returningBatch || conf.parquetFieldIdReadEnabled) {
      return sparkReader
    }
    val capacity = TensorParquetFormat.batchRows(options, conf)
    val caseSensitive = conf.caseSensitiveAnalysis
    val filterFor = TensorParquetFormat.pushedFilter(conf, filters)
    val broadcastConf =
      sparkSession.sparkContext.broadcast(new SerializableConfiguration(hadoopConf))
    (file: PartitionedFile) => {
      val batches = SplitOpener.open(
        new SplitRequest(
          broadcastConf.value.value,
          file.toPath,
          file.start,
          file.length,
          requiredSchema,
          partitionSchema,
          file.partitionValues,
          capacity,
          caseSensitive,
          filterFor))
      if (batches == null) {
        sparkReader(file)
      } else {
        Option(TaskContext.get()).foreach(_.addTaskCompletionListener[Unit](_ => batches.close()))
        batches.asScala.asInstanceOf[Iterator[InternalRow]]
      }
    }
  }
}

object TensorParquetFormat {
  val Name = "torchbatch-parquet"

  /** A read option: rows a batch, for this read only (the session's reader batch size if unset). */
  val BatchRows = "batchRows"

  /**
   * The conf for the files this reader leaves to Spark's: pages checked against their CRCs, as this
   * reader checks them, unless the conf says not to (a damaged page can send Spark's level decoder
   * into a loop that never ends).
   */
  private def checkingChecksums(hadoopConf: Configuration): Configuration =
    if (hadoopConf.get(ParquetInputFormat.PAGE_VERIFY_CHECKSUM_ENABLED) != null) hadoopConf
    else {
      val checking = new Configuration(hadoopConf)
      checking.setBoolean(ParquetInputFormat.PAGE_VERIFY_CHECKSUM_ENABLED, true)
      checking
    }

  private def batchRows(options: Map[String, String], conf: SQLConf): Int =
    CaseInsensitiveMap(options).get(BatchRows) match {
      case None => conf.parquetVectorizedReaderBatchSize
      case Some(rows) =>
        rows.toIntOption.filter(_ > 0).getOrElse(throw new IllegalArgumentException(
          s"Read option $BatchRows of $Name is '$rows': give a whole number of rows above 0"))
    }

  private def pushedFilter(conf: SQLConf, filters: Seq[Filter]): PushedFilter =
    PushedFilter(
      if (conf.parquetFilterPushDown) filters else Seq.empty,
      conf.parquetFilterPushDownDate,
      conf.parquetFilterPushDownTimestamp,
      conf.parquetFilterPushDownDecimal,
      conf.parquetFilterPushDownStringPredicate,
      conf.parquetFilterPushDownInFilterThreshold,
      conf.caseSensitiveAnalysis)
}

/**
 * The predicate Spark's reader pushes into a file of a given schema, from the same settings, or
 * null. Spark evaluates the filters again on every row, so this only skips row groups.
 */
private case class PushedFilter(
    filters: Seq[Filter],
    date: Boolean,
    timestamp: Boolean,
    decimal: Boolean,
    stringPredicate: Boolean,
    inThreshold: Int,
    caseSensitive: Boolean)
    extends java.util.function.Function[MessageType, FilterPredicate]
    with Serializable {
  override def apply(schema: MessageType): FilterPredicate = {
    // only numbers and strings reach this reader, which no calendar rebase changes
    val parquetFilters = new ParquetFilters(
      schema,
      date,
      timestamp,
      decimal,
      stringPredicate,
      inThreshold,
      caseSensitive,
      RebaseSpec(LegacyBehaviorPolicy.CORRECTED))
    filters.flatMap(parquetFilters.createFilter).reduceOption(FilterApi.and).orNull
  }
}
