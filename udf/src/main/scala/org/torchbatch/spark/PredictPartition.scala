package org.torchbatch.spark

import scala.collection.mutable.ArrayBuffer
import scala.jdk.CollectionConverters._

import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.{FieldVector, VectorSchemaRoot}
import org.apache.spark.TaskContext
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.catalyst.expressions.{Attribute, JoinedRow, UnsafeProjection}
import org.apache.spark.sql.execution.metric.SQLMetric
import org.apache.spark.sql.types.{StructField, StructType}
import org.apache.spark.sql.vectorized.{ColumnarBatch, ColumnVector}

/** What one task does for [[BatchPredictExec]]; serializable, built on the driver. */
case class PredictPartition(
    calls: Seq[PredictExpression],
    resultAttrs: Seq[Attribute],
    childOutput: Seq[Attribute],
    passthrough: Seq[Attribute],
    metrics: Map[String, SQLMetric],
    timeZone: String,
    hadoopConf: SerializableHadoopConf) {

  /**
   * The columnar path: argument columns of each input batch (e.g. one of the vectorized Parquet
   * reader) go to Arrow in bulk (off-heap values without a copy), then the model runs on slices
   * of the batch sized by the runners; other columns are read from the batch.
   */
  def processColumnar(batches: Iterator[ColumnarBatch]): Iterator[InternalRow] = {
    val run = new TaskRun
    val columns = new SparkColumns(run.allocator)
    var inputs: Seq[VectorSchemaRoot] = Nil
    var results: Option[ColumnarBatch] = None
    def releaseResults(): Unit = { results.foreach(_.close()); results = None }
    def releaseInputs(): Unit = { inputs.foreach(_.close()); inputs = Nil }
    run.onEnd {
      releaseResults()
      releaseInputs()
      columns.close()
    }
    batches.flatMap { input =>
      releaseResults()
      releaseInputs()
      val rows = input.numRows()
      val began = System.nanoTime()
      inputs = calls.zipWithIndex.map { case (call, c) =>
        val names = call.model.arguments().asScala.map(_.columns().get(0))
        val arguments = call.children.zip(names).zipWithIndex.map {
          case ((attribute: Attribute, name), a) =>
            val column = input.column(childOutput.indexWhere(_.exprId == attribute.exprId))
            columns.toArrow(argumentSlot(c, a), name, column, attribute.dataType, rows)
        }
        val root = new VectorSchemaRoot(arguments.asJava)
        root.setRowCount(rows)
        root
      }
      run.metricsSink.inputCopied(System.nanoTime() - began)
      slices(rows, run.runners).flatMap { case (from, count) =>
        releaseResults()
        val vectors: Array[ColumnVector] = inputs.zip(run.runners).map { case (root, runner) =>
          val result =
            if (count == rows) runner.run(root)
            else {
              val slice = root.slice(from, count)
              try runner.run(slice) finally slice.close()
            }
          OutputColumn.of(result): ColumnVector
        }.toArray
        val batch = new ColumnarBatch(vectors, count)
        results = Some(batch)
        val joined = new JoinedRow
        (0 until count).iterator.map { i =>
          run.numOutputRows += 1
          run.project(joined(input.getRow(from + i), batch.getRow(i)))
        }
      }
    }
  }

  /** A number for argument `a` of call `c`, unique among the query's calls. */
  private def argumentSlot(c: Int, a: Int): Int = calls.take(c).map(_.children.size).sum + a

  /** Row ranges of a batch, each as long as the runners ask for when it is reached. */
  private def slices(rows: Int, runners: Seq[ModelBatchRunner]): Iterator[(Int, Int)] =
    Iterator.unfold(0) { from =>
      if (from >= rows) None
      else {
        val count = math.min(rows - from, batchRows(runners))
        Some(((from, count), from + count))
      }
    }

  /**
   * What both paths set up in a task: an allocator, one runner per predict call, the output
   * projection; `onEnd` frees a path's own resources, then the runners, then the allocator.
   */
  private class TaskRun {
    private val task = TaskContext.get()
    private val resources = new TaskResources(task)
    val allocator: BufferAllocator =
      ArrowInputs.taskAllocator(s"torchbatch-task-${task.taskAttemptId()}")
    val metricsSink = new SqlBatchMetrics(metrics)
    val runners: Seq[ModelBatchRunner] = calls.map { call =>
      new ModelBatchRunner(
        call.model, hadoopConf.get(), allocator, resources.cpus, resources.gpus, metricsSink)
    }
    val project: UnsafeProjection =
      UnsafeProjection.create(passthrough ++ resultAttrs, childOutput ++ resultAttrs)
    val numOutputRows: SQLMetric = metrics("numOutputRows")

    def onEnd(release: => Unit): Unit = task.addTaskCompletionListener[Unit] { _ =>
      release
      runners.foreach(_.close())
      allocator.close()
    }
  }

  /** Rows for the next model call: the smallest any of the query's models asks for. */
  private def batchRows(runners: Seq[ModelBatchRunner]): Int = runners.map(_.batchRows()).min

  def process(rows: Iterator[InternalRow]): Iterator[InternalRow] = {
    val run = new TaskRun
    val inputs = calls.map { call =>
      val names = call.model.arguments().asScala.map(_.columns().get(0))
      val schema = StructType(call.children.zip(names).map { case (e, name) =>
        StructField(name, e.dataType, e.nullable)
      })
      val root = ArrowInputs.root(schema, timeZone, run.allocator)
      (UnsafeProjection.create(call.children, childOutput), root, ArgumentWriter.forRoot(root, schema))
    }
    val batches = new Batches(rows, inputs, run.runners, run.allocator)
    run.onEnd {
      batches.close()
      inputs.foreach(_._2.close())
    }
    batches.flatMap { case (buffered, results) =>
      val joined = new JoinedRow
      buffered.indices.iterator.map { i =>
        run.numOutputRows += 1
        run.project(joined(buffered(i), results.getRow(i)))
      }
    }
  }

  /**
   * Groups input rows into batches: each row is copied (Spark reuses row objects), its arguments
   * written to every call's Arrow batch; then each model runs once per batch.
   */
  private class Batches(
      rows: Iterator[InternalRow],
      inputs: Seq[(UnsafeProjection, VectorSchemaRoot, ArgumentWriter)],
      runners: Seq[ModelBatchRunner],
      allocator: BufferAllocator) extends Iterator[(ArrayBuffer[InternalRow], ColumnarBatch)] {
    private var current: Option[ColumnarBatch] = None

    override def hasNext: Boolean = {
      val more = rows.hasNext
      if (!more) release()
      more
    }

    override def next(): (ArrayBuffer[InternalRow], ColumnarBatch) = {
      release()
      val batchSize = batchRows(runners)
      val buffered = new ArrayBuffer[InternalRow](batchSize)
      inputs.foreach(_._3.reset())
      while (buffered.size < batchSize && rows.hasNext) {
        val row = rows.next()
        buffered += row.copy()
        inputs.foreach { case (projection, _, writer) => writer.write(projection(row)) }
      }
      inputs.foreach(_._3.finish())
      val vectors: Array[ColumnVector] = inputs.zip(runners).map { case ((_, root, _), runner) =>
        OutputColumn.of(runner.run(root)): ColumnVector
      }.toArray
      val batch = new ColumnarBatch(vectors, buffered.size)
      current = Some(batch)
      (buffered, batch)
    }

    /** Frees the previous batch's results once all its rows were projected. */
    private def release(): Unit = {
      current.foreach(_.close())
      current = None
    }

    def close(): Unit = release()
  }
}
