package org.torchbatch.bridge;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;

/**
 * Turns Arrow batches into model arguments. A single column whose leaf buffer already has the
 * tensor's layout (primitive, same dtype, no nulls, rows without gaps, little-endian) becomes a
 * tensor over that memory; anything else (stacked columns, casts, booleans, skipped null rows) is
 * copied exactly once into a buffer from the allocator.
 */
public final class BatchEncoder {
  private final List<ArgumentSpec> arguments;
  private final NullPolicy nullPolicy;
  private final BufferAllocator allocator;
  private final ImpliedTypes impliedTypes;

  /** An encoder that keeps each column's dtype unless an argument names one. */
  public BatchEncoder(
      List<ArgumentSpec> arguments, NullPolicy nullPolicy, BufferAllocator allocator) {
    this(arguments, nullPolicy, allocator, null);
  }

  /** An encoder whose arguments without a dtype take the one the archive implies. */
  public BatchEncoder(
      List<ArgumentSpec> arguments,
      NullPolicy nullPolicy,
      BufferAllocator allocator,
      ImpliedTypes impliedTypes) {
    this.arguments = List.copyOf(arguments);
    this.nullPolicy = nullPolicy;
    this.allocator = allocator;
    this.impliedTypes = impliedTypes;
  }

  public EncodedBatch encode(VectorSchemaRoot root) {
    return encode(
        name -> {
          FieldVector vector = root.getVector(name);
          if (vector == null) {
            throw new BridgeException(
                "No column '"
                    + name
                    + "' in the batch; columns: "
                    + root.getSchema().getFields().stream().map(f -> f.getName()).toList());
          }
          return vector;
        },
        root.getRowCount());
  }

  /** Encodes {@code rows} rows of the named columns; {@code columns} fails for unknown names. */
  public EncodedBatch encode(Function<String, FieldVector> columns, int rows) {
    List<List<LeafRowLayout>> layouts = new ArrayList<>();
    BitSet nullRows = new BitSet();
    for (ArgumentSpec argument : arguments) {
      List<LeafRowLayout> argumentLayouts = new ArrayList<>();
      for (String column : argument.columns()) {
        LeafRowLayout layout = LeafRowLayout.of(column, columns.apply(column), rows);
        if (layout.nullRows != null) {
          checkNullsAllowed(layout, argument);
          nullRows.or(layout.nullRows);
        }
        argumentLayouts.add(layout);
      }
      layouts.add(argumentLayouts);
    }
    RowMask mask = new RowMask(rows, nullRows);
    List<HostTensor> tensors = new ArrayList<>();
    List<Boolean> zeroCopy = new ArrayList<>();
    List<ArrowBuf> owned = new ArrayList<>();
    try {
      for (int i = 0; i < arguments.size(); i++) {
        tensors.add(tensorFor(i, layouts.get(i), mask, owned, zeroCopy));
      }
    } catch (RuntimeException e) {
      owned.forEach(ArrowBuf::close);
      throw e;
    }
    return new EncodedBatch(mask, tensors, zeroCopy, owned);
  }

  private void checkNullsAllowed(LeafRowLayout layout, ArgumentSpec argument) {
    if (nullPolicy == NullPolicy.FAIL) {
      int row = layout.nullRows.nextSetBit(0);
      throw new NullArgumentException(
          "Column '"
              + layout.name
              + "' has a null at row "
              + row
              + " of the batch (model argument "
              + argument.describe()
              + ") and the null policy is fail: filter such rows ("
              + layout.name
              + " IS NOT NULL), fill them (coalesce), or set the null policy to null to get null"
              + " outputs for them");
    }
  }

  private HostTensor tensorFor(
      int position,
      List<LeafRowLayout> columns,
      RowMask mask,
      List<ArrowBuf> owned,
      List<Boolean> zeroCopy) {
    ArgumentSpec argument = arguments.get(position);
    DType target = targetType(position, argument, columns);
    long[] rowShape = rowShape(argument, columns);
    long rowElements = HostTensor.numel(rowShape);
    long[] shape = new long[rowShape.length + 1];
    shape[0] = mask.modelRows();
    System.arraycopy(rowShape, 0, shape, 1, rowShape.length);

    LeafRowLayout single = columns.get(0);
    long bytes = mask.modelRows() * rowElements * target.byteSize();
    if (columns.size() == 1
        && single.dtype == target
        && target != DType.BOOL
        && single.contiguous()
        && !mask.hasNulls()
        && MemoryUtil.LITTLE_ENDIAN) {
      zeroCopy.add(true);
      ByteBuffer view =
          bytes == 0
              ? ByteBuffer.allocateDirect(0)
              : single
                  .leaf
                  .getDataBuffer()
                  .nioBuffer(single.rowStart(0) * target.byteSize(), Math.toIntExact(bytes));
      return new HostTensor(target, shape, view);
    }
    ArrowBuf buffer = allocator.buffer(Math.max(bytes, 1));
    owned.add(buffer);
    long offset = 0;
    for (LeafRowLayout column : columns) {
      ElementCopier.copyRows(
          column,
          mask.rows(),
          mask.nullRows(),
          buffer,
          target,
          rowElements,
          offset,
          argument.lossyCast());
      offset += column.rowElements;
    }
    zeroCopy.add(false);
    return new HostTensor(target, shape, buffer.nioBuffer(0, Math.toIntExact(bytes)));
  }

  private DType targetType(int position, ArgumentSpec argument, List<LeafRowLayout> columns) {
    if (argument.dtype() != null) {
      return argument.dtype();
    }
    List<DType> types = columns.stream().map(c -> c.dtype).distinct().toList();
    if (types.size() > 1) {
      throw new BridgeException(
          "Columns "
              + argument.describe()
              + " have different types "
              + types
              + ": give the argument a dtype");
    }
    return impliedTypes == null ? types.get(0) : impliedTypes.resolve(position, types.get(0));
  }

  private static long[] rowShape(ArgumentSpec argument, List<LeafRowLayout> columns) {
    long width = 0;
    for (LeafRowLayout column : columns) {
      if (columns.size() > 1 && column.rowShape.length > 1) {
        throw new BridgeException(
            "Column '"
                + column.name
                + "' has rows of shape "
                + Arrays.toString(column.rowShape)
                + ": only scalar and flat array columns can be stacked into one argument ("
                + argument.describe()
                + ")");
      }
      width += column.rowElements;
    }
    long[] natural = columns.size() == 1 ? columns.get(0).rowShape : new long[] {width};
    if (argument.rowShape() == null) {
      return natural;
    }
    if (HostTensor.numel(argument.rowShape()) != width) {
      throw new BridgeException(
          "Argument "
              + argument.describe()
              + " cannot be reshaped to "
              + Arrays.toString(argument.rowShape())
              + " per row: that needs "
              + HostTensor.numel(argument.rowShape())
              + " elements, but each row has "
              + width
              + " (shape "
              + Arrays.toString(natural)
              + ")");
    }
    return argument.rowShape().clone();
  }
}
