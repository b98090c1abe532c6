package org.torchbatch.spark

import scala.collection.mutable.ArrayBuffer
import scala.jdk.CollectionConverters._

import org.apache.arrow.memory.BufferAllocator
import org.apache.arrow.vector.VectorSchemaRoot
import org.apache.spark.TaskContext
import org.apache.spark.broadcast.Broadcast
import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.catalyst.expressions.{Attribute, JoinedRow, UnsafeProjection, UnsafeRow}
import org.apache.spark.sql.execution.metric.SQLMetric
import org.apache.spark.sql.types.{StructField, StructType}
import org.apache.spark.sql.vectorized.{ColumnarBatch, ColumnVector}
import org.apache.spark.util.SerializableConfiguration

/** What one task does for [[BatchPredictExec]]; serializable, built on the driver. */
case class PredictPartition(
    calls: Seq[PredictExpression],
    resultAttrs: Seq[Attribute],
    childOutput: Seq[Attribute],
    passthrough: Seq[Attribute],
    metrics: Map[String, SQLMetric],
    timeZone: String,
    hadoopConf: Broadcast[SerializableConfiguration]) {

  /**
   * The columnar path: argument columns of each input batch (e.g. one of the vectorized Parquet
   * reader) go to Arrow in bulk (off-heap values without a copy), then the model runs on slices
   * of the batch sized by the runners; other columns are read from the batch.
   */
  def processColumnar(batches: Iterator[ColumnarBatch]): Iterator[InternalRow] = {
    val run = new TaskRun(childOutput)
    val rows = new ColumnarRows(batches, run)
    run.onEnd(rows.close())
    rows
  }

  /**
   * The columnar path's output rows. One flat iterator rather than nested ones, since its
   * `hasNext` and `next` run once per row.
   */
  private class ColumnarRows(batches: Iterator[ColumnarBatch], run: TaskRun)
      extends Iterator[InternalRow] {
    private val columns = new SparkColumns(run.allocator)
    private val joined = new JoinedRow
    private var input: ColumnarBatch = _
    private var inputs: Seq[VectorSchemaRoot] = Nil
    private var results: ColumnarBatch = _
    // the current slice is rows [from, from + count) of `input`; `row` counts those returned
    private var from = 0
    private var count = 0
    private var row = 0

    override def hasNext: Boolean = row < count || nextSlice()

    override def next(): InternalRow = {
      if (!hasNext) throw new NoSuchElementException
      val i = row
      row += 1
      run.project(joined(input.getRow(from + i), results.getRow(i)))
    }

    /** Runs the models on the next slice, reading input batches until one has rows left. */
    private def nextSlice(): Boolean = {
      releaseResults()
      while (input == null || from + count >= input.numRows()) {
        releaseInputs()
        if (!batches.hasNext) return false
        input = batches.next()
        from = 0
        count = 0
        inputs = toArrow(input)
      }
      from += count
      count = math.min(input.numRows() - from, batchRows(run.runners))
      row = 0
      val rows = input.numRows()
      val vectors: Array[ColumnVector] = inputs.zip(run.runners).map { case (root, runner) =>
        val result =
          if (count == rows) runner.run(root)
          else {
            val slice = root.slice(from, count)
            try runner.run(slice) finally slice.close()
          }
        OutputColumn.of(result): ColumnVector
      }.toArray
      results = new ColumnarBatch(vectors, count)
      // counted a slice at a time, as Spark's columnar operators count a batch at a time
      run.numOutputRows += count
      true
    }

    private def toArrow(batch: ColumnarBatch): Seq[VectorSchemaRoot] = {
      val rows = batch.numRows()
      val began = System.nanoTime()
      val roots = calls.zipWithIndex.map { case (call, c) =>
        val names = call.model.arguments().asScala.map(_.columns().get(0))
        val arguments = call.children.zip(names).zipWithIndex.map {
          case ((attribute: Attribute, name), a) =>
            val column = batch.column(ordinal(attribute))
            columns.toArrow(argumentSlot(c, a), name, column, attribute.dataType, rows)
        }
        val root = new VectorSchemaRoot(arguments.asJava)
        root.setRowCount(rows)
        root
      }
      run.metricsSink.inputCopied(System.nanoTime() - began)
      roots
    }

    private def releaseResults(): Unit = if (results != null) {
      results.close()
      results = null
    }

    private def releaseInputs(): Unit = {
      inputs.foreach(_.close())
      inputs = Nil
    }

    def close(): Unit = {
      releaseResults()
      releaseInputs()
      columns.close()
    }
  }

  /** Where `attribute` sits in the child's rows and batches. */
  private def ordinal(attribute: Attribute): Int = childOutput.indexWhere(_.exprId == attribute.exprId)

  /** A number for argument `a` of call `c`, unique among the query's calls. */
  private def argumentSlot(c: Int, a: Int): Int = calls.take(c).map(_.children.size).sum + a

  /**
   * What both paths set up in a task: an allocator, one runner per predict call, the output
   * projection of rows laid out as `input` joined with the results. The task's end frees what
   * `onEnd` names (a path's own resources), then the runners, then the allocator; it is
   * registered before any of them is opened, so a runner that fails to open (a model that does
   * not load) still frees the ones opened before it.
   */
  private class TaskRun(input: Seq[Attribute]) {
    private val task = TaskContext.get()
    private val resources = new TaskResources(task)
    private val opened = ArrayBuffer.empty[AutoCloseable]
    private var release: () => Unit = () => ()
    task.addTaskCompletionListener[Unit](_ => closeAll())

    val allocator: BufferAllocator =
      own(ArrowInputs.taskAllocator(s"torchbatch-task-${task.taskAttemptId()}"))
    val metricsSink = new SqlBatchMetrics(metrics)
    val runners: Seq[ModelBatchRunner] = calls.map { call =>
      own(
        new ModelBatchRunner(
          call.model, hadoopConf.value.value, allocator, resources.cpus, resources.gpus,
          metricsSink))
    }
    val project: UnsafeProjection =
      UnsafeProjection.create(passthrough ++ resultAttrs, input ++ resultAttrs)
    val numOutputRows: SQLMetric = metrics("numOutputRows")

    def onEnd(free: => Unit): Unit = release = () => free

    private def own[T <: AutoCloseable](resource: T): T = {
      opened += resource
      resource
    }

    /** Frees everything, last opened first; the first failure is thrown once all were tried. */
    private def closeAll(): Unit = {
      var failure: Throwable = null
      val steps = (() => release()) +: opened.reverseIterator.map(r => () => r.close()).toSeq
      steps.foreach { step =>
        try step()
        catch { case e: Throwable => if (failure == null) failure = e else failure.addSuppressed(e) }
      }
      opened.clear()
      if (failure != null) throw failure
    }
  }

  /** Rows for the next model call: the smallest any of the query's models asks for. */
  private def batchRows(runners: Seq[ModelBatchRunner]): Int = runners.map(_.batchRows()).min

  /**
   * The row path: each row's arguments are written to Arrow (straight from the child's row when
   * they are columns of it), and only its `passthrough` columns are kept until the results come.
   */
  def process(rows: Iterator[InternalRow]): Iterator[InternalRow] = {
    val run = new TaskRun(passthrough)
    val inputs = calls.map(call => argumentInput(call, run.allocator))
    val batches = new Batches(rows, keptColumns(), inputs, run.runners)
    run.onEnd {
      batches.close()
      inputs.foreach(_._2.close())
    }
    batches.flatMap { case (buffered, results) =>
      val joined = new JoinedRow
      run.numOutputRows += buffered.size
      buffered.indices.iterator.map { i =>
        run.project(joined(buffered(i), results.getRow(i)))
      }
    }
  }

  /**
   * A call's Arrow batch, its writer, and what the writer is given of a child row: the row itself
   * (as an UnsafeRow) when every argument is a column the writer copies in place, else the
   * projected arguments.
   */
  private def argumentInput(call: PredictExpression, allocator: BufferAllocator)
      : (InternalRow => InternalRow, VectorSchemaRoot, ArgumentWriter) = {
    val names = call.model.arguments().asScala.map(_.columns().get(0))
    val schema = StructType(call.children.zip(names).map { case (e, name) =>
      StructField(name, e.dataType, e.nullable)
    })
    val root = ArrowInputs.root(schema, timeZone, allocator)
    val ordinals = call.children.map {
      case a: Attribute => ordinal(a)
      case _ => -1
    }
    val inPlace =
      if (ordinals.contains(-1)) null
      else ArgumentWriter.fromFields(root, schema, ordinals.toArray)
    if (inPlace != null) {
      lazy val toUnsafe = UnsafeProjection.create(childOutput, childOutput)
      val unsafe: InternalRow => InternalRow = {
        case row: UnsafeRow => row
        case row => toUnsafe(row)
      }
      (unsafe, root, inPlace)
    } else {
      val projection = UnsafeProjection.create(call.children, childOutput)
      (row => projection(row), root, ArgumentWriter.forRoot(root, schema))
    }
  }

  /** A copy of what the output needs of a row (Spark reuses row objects): its passthrough. */
  private def keptColumns(): InternalRow => InternalRow =
    if (passthrough.map(_.exprId) == childOutput.map(_.exprId)) _.copy()
    else {
      val projection = UnsafeProjection.create(passthrough, childOutput)
      row => projection(row).copy()
    }

  /**
   * Groups input rows into batches: what the output needs of each row is kept, its arguments
   * written to every call's Arrow batch; then each model runs once per batch.
   */
  private class Batches(
      rows: Iterator[InternalRow],
      keep: InternalRow => InternalRow,
      inputs: Seq[(InternalRow => InternalRow, VectorSchemaRoot, ArgumentWriter)],
      runners: Seq[ModelBatchRunner]) extends Iterator[(ArrayBuffer[InternalRow], ColumnarBatch)] {
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
        buffered += keep(row)
        inputs.foreach { case (arguments, _, writer) => writer.write(arguments(row)) }
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
