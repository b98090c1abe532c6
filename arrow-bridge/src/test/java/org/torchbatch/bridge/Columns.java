package org.torchbatch.bridge;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionLargeListWriter;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;

/** Builds small Arrow columns for tests; the caller closes them. */
final class Columns {
  private final BufferAllocator allocator;

  Columns(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  Float4Vector floats(String name, Float... values) {
    Float4Vector vector = new Float4Vector(name, allocator);
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        vector.setNull(i);
      } else {
        vector.set(i, values[i]);
      }
    }
    vector.setValueCount(values.length);
    return vector;
  }

  Float8Vector doubles(String name, double... values) {
    Float8Vector vector = new Float8Vector(name, allocator);
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i]);
    }
    vector.setValueCount(values.length);
    return vector;
  }

  BigIntVector longs(String name, long... values) {
    BigIntVector vector = new BigIntVector(name, allocator);
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i]);
    }
    vector.setValueCount(values.length);
    return vector;
  }

  IntVector ints(String name, int... values) {
    IntVector vector = new IntVector(name, allocator);
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i]);
    }
    vector.setValueCount(values.length);
    return vector;
  }

  BitVector booleans(String name, boolean... values) {
    BitVector vector = new BitVector(name, allocator);
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i] ? 1 : 0);
    }
    vector.setValueCount(values.length);
    return vector;
  }

  /** A list<float> column; a null row is a null list, a null element a null inside it. */
  ListVector floatLists(String name, List<Float[]> rows) {
    ListVector vector = ListVector.empty(name, allocator);
    UnionListWriter writer = vector.getWriter();
    writer.allocate();
    for (int r = 0; r < rows.size(); r++) {
      writer.setPosition(r);
      if (rows.get(r) == null) {
        writer.writeNull();
        continue;
      }
      writer.startList();
      for (Float value : rows.get(r)) {
        if (value == null) {
          writer.writeNull();
        } else {
          writer.float4().writeFloat4(value);
        }
      }
      writer.endList();
    }
    writer.setValueCount(rows.size());
    return vector;
  }

  /** A large_list<float> column (64-bit offsets). */
  LargeListVector largeFloatLists(String name, float[][] rows) {
    LargeListVector vector = LargeListVector.empty(name, allocator);
    UnionLargeListWriter writer = vector.getWriter();
    writer.allocate();
    for (int r = 0; r < rows.length; r++) {
      writer.setPosition(r);
      writer.startList();
      for (float value : rows[r]) {
        writer.float4().writeFloat4(value);
      }
      writer.endList();
    }
    writer.setValueCount(rows.length);
    return vector;
  }

  ListVector longLists(String name, long[][] rows) {
    ListVector vector = ListVector.empty(name, allocator);
    UnionListWriter writer = vector.getWriter();
    writer.allocate();
    for (int r = 0; r < rows.length; r++) {
      writer.setPosition(r);
      writer.startList();
      for (long value : rows[r]) {
        writer.bigInt().writeBigInt(value);
      }
      writer.endList();
    }
    writer.setValueCount(rows.length);
    return vector;
  }

  /** A list<list<float>> column. */
  ListVector nestedFloatLists(String name, float[][][] rows) {
    ListVector vector = ListVector.empty(name, allocator);
    UnionListWriter writer = vector.getWriter();
    writer.allocate();
    for (int r = 0; r < rows.length; r++) {
      writer.setPosition(r);
      writer.startList();
      for (float[] inner : rows[r]) {
        var innerWriter = writer.list();
        innerWriter.startList();
        for (float value : inner) {
          innerWriter.float4().writeFloat4(value);
        }
        innerWriter.endList();
      }
      writer.endList();
    }
    writer.setValueCount(rows.length);
    return vector;
  }

  FixedSizeListVector fixedFloatLists(String name, int size, float[][] rows) {
    FixedSizeListVector vector = FixedSizeListVector.empty(name, size, allocator);
    vector.addOrGetVector(
        FieldType.notNullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)));
    vector.setInitialCapacity(rows.length);
    vector.allocateNew();
    Float4Vector child = (Float4Vector) vector.getDataVector();
    for (int r = 0; r < rows.length; r++) {
      vector.setNotNull(r);
      for (int i = 0; i < size; i++) {
        child.setSafe(r * size + i, rows[r][i]);
      }
    }
    child.setValueCount(rows.length * size);
    vector.setValueCount(rows.length);
    return vector;
  }

  static double[] values(FieldVector vector) {
    double[] out = new double[vector.getValueCount()];
    for (int i = 0; i < out.length; i++) {
      Object value = vector.getObject(i);
      out[i] = value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue();
    }
    return out;
  }
}
