package org.torchbatch.bridge;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HalfFloats;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.NamedTensors;

/**
 * Turns model outputs into Arrow columns, one row per batch row, null where the row was skipped.
 * Values are copied once (memcpy when the column keeps the tensor's dtype) because the tensors are
 * freed after the call; the caller owns the returned vectors.
 */
public final class BatchDecoder {
  private final OutputLayout layout;
  private final BufferAllocator allocator;

  public BatchDecoder(OutputLayout layout, BufferAllocator allocator) {
    this.layout = layout;
    this.allocator = allocator;
  }

  /** One vector per output field, each with {@code mask.rows()} rows. */
  public List<FieldVector> decode(NamedTensors outputs, RowMask mask) {
    List<FieldVector> vectors = new ArrayList<>();
    try {
      for (OutputField field : layout.fields()) {
        FieldVector vector = field.toArrowField().createVector(allocator);
        vectors.add(vector);
        fill(vector, field, checked(field, outputs, mask), mask);
      }
      return vectors;
    } catch (RuntimeException e) {
      vectors.forEach(FieldVector::close);
      throw e;
    }
  }

  /** All outputs in one struct column named {@code name}. */
  public StructVector decodeStruct(String name, NamedTensors outputs, RowMask mask) {
    StructVector struct = (StructVector) layout.structField(name).createVector(allocator);
    try {
      struct.setInitialCapacity(mask.rows());
      struct.allocateNew();
      for (OutputField field : layout.fields()) {
        fill(struct.getChild(field.column()), field, checked(field, outputs, mask), mask);
      }
      for (int r = 0; r < mask.rows(); r++) {
        if (mask.isNull(r)) {
          struct.setNull(r);
        } else {
          struct.setIndexDefined(r);
        }
      }
      struct.setValueCount(mask.rows());
      return struct;
    } catch (RuntimeException e) {
      struct.close();
      throw e;
    }
  }

  private static HostTensor checked(OutputField field, NamedTensors outputs, RowMask mask) {
    if (!outputs.names().contains(field.output())) {
      throw new BridgeException(
          "The model returned outputs " + outputs.names() + " but not '" + field.output() + "'");
    }
    HostTensor tensor = outputs.get(field.output());
    long[] shape = tensor.shape();
    if (shape.length == 0 || shape[0] != mask.modelRows()) {
      throw new BridgeException(
          "Output '"
              + field.output()
              + "' has "
              + (shape.length == 0 ? "no batch dimension (a per-batch scalar)" : shape[0] + " rows")
              + " for a batch of "
              + mask.modelRows()
              + " rows (shape "
              + Arrays.toString(shape)
              + "): the model must return one row per input row");
    }
    long[] rowShape = Arrays.copyOfRange(shape, 1, shape.length);
    if (tensor.dtype() != field.dtype() || !Arrays.equals(rowShape, field.rowShape())) {
      throw new BridgeException(
          "Output '"
              + field.output()
              + "' is "
              + tensor.dtype()
              + Arrays.toString(rowShape)
              + " per row in this batch but "
              + field.dtype()
              + Arrays.toString(field.rowShape())
              + " in the output schema: the model's output shape must not depend on the data");
    }
    return tensor;
  }

  private static void fill(FieldVector vector, OutputField field, HostTensor tensor, RowMask mask) {
    long[] rowShape = field.rowShape();
    if (rowShape.length == 0) {
      fillScalars(vector, tensor, mask);
      return;
    }
    ListVector list = (ListVector) vector;
    allocate(list, mask.rows());
    ArrowBuf offsets = list.getOffsetBuffer();
    long rowElements = rowShape[0];
    int offset = 0;
    for (int r = 0; r < mask.rows(); r++) {
      offsets.setInt((long) r * ListVector.OFFSET_WIDTH, offset);
      if (!mask.isNull(r)) {
        BitVectorHelper.setBit(list.getValidityBuffer(), r);
        offset += (int) rowElements;
      }
    }
    offsets.setInt((long) mask.rows() * ListVector.OFFSET_WIDTH, offset);
    fillNested(list.getDataVector(), tensor, rowShape, 1, (long) mask.modelRows() * rowElements);
    list.setLastSet(mask.rows() - 1);
    list.setValueCount(mask.rows());
  }

  private static void fillNested(
      FieldVector vector, HostTensor tensor, long[] rowShape, int depth, long entries) {
    if (depth == rowShape.length) {
      BaseFixedWidthVector leaf = (BaseFixedWidthVector) vector;
      leaf.allocateNew(Math.toIntExact(entries));
      copyValues(tensor, leaf, entries);
      leaf.getValidityBuffer()
          .setOne(0, BitVectorHelper.getValidityBufferSizeFromCount(Math.toIntExact(entries)));
      leaf.setValueCount(Math.toIntExact(entries));
      return;
    }
    ListVector list = (ListVector) vector;
    int rows = Math.toIntExact(entries);
    allocate(list, rows);
    int length = (int) rowShape[depth];
    for (int e = 0; e <= rows; e++) {
      list.getOffsetBuffer().setInt((long) e * ListVector.OFFSET_WIDTH, e * length);
    }
    list.getValidityBuffer().setOne(0, BitVectorHelper.getValidityBufferSizeFromCount(rows));
    fillNested(list.getDataVector(), tensor, rowShape, depth + 1, entries * length);
    list.setLastSet(rows - 1);
    list.setValueCount(rows);
  }

  private static void allocate(ListVector list, int rows) {
    list.setInitialCapacity(rows);
    list.allocateNew();
    list.getValidityBuffer().setZero(0, list.getValidityBuffer().capacity());
  }

  private static void fillScalars(FieldVector vector, HostTensor tensor, RowMask mask) {
    BaseFixedWidthVector column = (BaseFixedWidthVector) vector;
    column.allocateNew(mask.rows());
    if (!mask.hasNulls()) {
      copyValues(tensor, column, mask.rows());
      column
          .getValidityBuffer()
          .setOne(0, BitVectorHelper.getValidityBufferSizeFromCount(mask.rows()));
    } else {
      ByteBuffer values = tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
      long next = 0;
      for (int r = 0; r < mask.rows(); r++) {
        if (mask.isNull(r)) {
          column.setNull(r);
        } else {
          writeValue(values, tensor.dtype(), next++, column, r);
          BitVectorHelper.setBit(column.getValidityBuffer(), r);
        }
      }
    }
    column.setValueCount(mask.rows());
  }

  private static void copyValues(HostTensor tensor, BaseFixedWidthVector leaf, long count) {
    DType source = tensor.dtype();
    if (source.columnDType() == source && source != DType.BOOL) {
      leaf.getDataBuffer().setBytes(0, tensor.data().duplicate());
      return;
    }
    ByteBuffer values = tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    for (long i = 0; i < count; i++) {
      writeValue(values, source, i, leaf, i);
    }
  }

  private static void writeValue(
      ByteBuffer values, DType source, long from, BaseFixedWidthVector leaf, long to) {
    ArrowBuf data = leaf.getDataBuffer();
    int i = Math.toIntExact(from);
    switch (source) {
      case FLOAT32 -> data.setFloat(to * 4, values.getFloat(i * 4));
      case FLOAT64 -> data.setDouble(to * 8, values.getDouble(i * 8));
      case FLOAT16 -> data.setFloat(to * 4, HalfFloats.toFloat(values.getShort(i * 2)));
      case BFLOAT16 ->
          data.setFloat(to * 4, Float.intBitsToFloat((values.getShort(i * 2) & 0xffff) << 16));
      case INT64 -> data.setLong(to * 8, values.getLong(i * 8));
      case INT32 -> data.setInt(to * 4, values.getInt(i * 4));
      case INT16 -> data.setShort(to * 2, values.getShort(i * 2));
      case UINT8 -> data.setShort(to * 2, (short) (values.get(i) & 0xff));
      case INT8 -> data.setByte(to, values.get(i));
      case BOOL ->
          BitVectorHelper.setValidityBit(data, Math.toIntExact(to), values.get(i) != 0 ? 1 : 0);
      default -> throw new IllegalStateException("unhandled dtype " + source);
    }
  }
}
