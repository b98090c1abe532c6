package org.torchbatch.spark

import org.apache.spark.sql.catalyst.InternalRow
import org.apache.spark.sql.catalyst.expressions.{Expression, Nondeterministic, UnsafeProjection}
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenFallback
import org.apache.spark.sql.types.{BooleanType, DataType, StructType}

/**
 * A filter condition that keeps the rows whose `error` is null and hands the others' `record`
 * (a struct of what to keep of them) to `sink`: one pass both writes the predictions and sets the
 * bad rows aside. Nondeterministic, so the optimizer neither moves nor drops it.
 */
case class QuarantineRows(error: Expression, record: Expression, sink: BadRecords)
    extends Expression with Nondeterministic with CodegenFallback {

  @transient private lazy val toUnsafe =
    UnsafeProjection.create(record.dataType.asInstanceOf[StructType])

  override def children: Seq[Expression] = Seq(error, record)
  override def dataType: DataType = BooleanType
  override def nullable: Boolean = false

  override protected def initializeInternal(partitionIndex: Int): Unit = {}

  override protected def evalInternal(input: InternalRow): Any = {
    if (error.eval(input) == null) {
      true
    } else {
      sink.add(toUnsafe(record.eval(input).asInstanceOf[InternalRow]))
      false
    }
  }

  override protected def withNewChildrenInternal(children: IndexedSeq[Expression]): Expression =
    copy(error = children(0), record = children(1))
}
