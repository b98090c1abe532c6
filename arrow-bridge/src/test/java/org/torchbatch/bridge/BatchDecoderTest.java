package org.torchbatch.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.NamedTensors;

class BatchDecoderTest extends AllocatorTest {

  /** Model outputs held in a map, as a model call would return them. */
  record Outputs(Map<String, HostTensor> tensors) implements NamedTensors {
    static Outputs of(Object... namesAndTensors) {
      Map<String, HostTensor> map = new LinkedHashMap<>();
      for (int i = 0; i < namesAndTensors.length; i += 2) {
        map.put((String) namesAndTensors[i], (HostTensor) namesAndTensors[i + 1]);
      }
      return new Outputs(map);
    }

    @Override
    public List<String> names() {
      return List.copyOf(tensors.keySet());
    }

    @Override
    public HostTensor get(String name) {
      return tensors.get(name);
    }
  }

  private static HostTensor tensor(DType dtype, long[] shape, double... values) {
    return HostTensor.fromDoubles(dtype, shape, values);
  }

  private List<FieldVector> decode(Outputs outputs, RowMask mask) {
    return new BatchDecoder(OutputLayout.of(outputs, List.of()), allocator).decode(outputs, mask);
  }

  @Test
  void shapesBecomeScalarListAndNestedListColumns() {
    Outputs outputs =
        Outputs.of(
            "score", tensor(DType.FLOAT32, new long[] {2}, 0.5, 1.5),
            "probs", tensor(DType.FLOAT32, new long[] {2, 3}, 1, 2, 3, 4, 5, 6),
            "grid", tensor(DType.FLOAT32, new long[] {2, 2, 2}, 1, 2, 3, 4, 5, 6, 7, 8));
    List<FieldVector> vectors = decode(outputs, RowMask.allRows(2));
    try {
      assertThat(vectors.get(0)).isInstanceOf(Float4Vector.class);
      assertThat(Columns.values(vectors.get(0))).containsExactly(0.5, 1.5);
      ListVector probs = (ListVector) vectors.get(1);
      assertThat(probs.getObject(1)).isEqualTo(List.of(4f, 5f, 6f));
      ListVector grid = (ListVector) vectors.get(2);
      assertThat(grid.getObject(1)).isEqualTo(List.of(List.of(5f, 6f), List.of(7f, 8f)));
    } finally {
      vectors.forEach(FieldVector::close);
    }
  }

  @Test
  void dtypesMapToColumnTypes() {
    Outputs outputs =
        Outputs.of(
            "half", tensor(DType.FLOAT16, new long[] {2}, 0.5, -2),
            "ids", tensor(DType.INT64, new long[] {2}, 1L << 40, 3),
            "flag", tensor(DType.BOOL, new long[] {2}, 1, 0),
            "byte", tensor(DType.UINT8, new long[] {2}, 255, 1));
    List<FieldVector> vectors = decode(outputs, RowMask.allRows(2));
    try {
      assertThat(vectors.get(0)).isInstanceOf(Float4Vector.class);
      assertThat(Columns.values(vectors.get(0))).containsExactly(0.5, -2);
      assertThat(vectors.get(1)).isInstanceOf(BigIntVector.class);
      assertThat(Columns.values(vectors.get(1))).containsExactly((double) (1L << 40), 3);
      assertThat(vectors.get(2)).isInstanceOf(BitVector.class);
      assertThat(Columns.values(vectors.get(2))).containsExactly(1, 0);
      assertThat(vectors.get(3)).isInstanceOf(SmallIntVector.class);
      assertThat(Columns.values(vectors.get(3))).containsExactly(255, 1);
    } finally {
      vectors.forEach(FieldVector::close);
    }
  }

  @Test
  void skippedRowsAreNullAndOthersKeepTheirValues() {
    BitSet nulls = new BitSet();
    nulls.set(1);
    Outputs outputs =
        Outputs.of(
            "score", tensor(DType.FLOAT64, new long[] {2}, 10, 30),
            "vec", tensor(DType.FLOAT32, new long[] {2, 2}, 1, 1, 3, 3));
    List<FieldVector> vectors = decode(outputs, new RowMask(3, nulls));
    try {
      assertThat(vectors.get(0).getObject(0)).isEqualTo(10.0);
      assertThat(vectors.get(0).isNull(1)).isTrue();
      assertThat(vectors.get(0).getObject(2)).isEqualTo(30.0);
      assertThat(vectors.get(1).getObject(0)).isEqualTo(List.of(1f, 1f));
      assertThat(vectors.get(1).isNull(1)).isTrue();
      assertThat(vectors.get(1).getObject(2)).isEqualTo(List.of(3f, 3f));
    } finally {
      vectors.forEach(FieldVector::close);
    }
  }

  @Test
  void severalOutputsCanFormOneStructColumn() {
    Outputs outputs =
        Outputs.of(
            "label", tensor(DType.INT64, new long[] {2}, 1, 0),
            "probs", tensor(DType.FLOAT32, new long[] {2, 2}, 0.1, 0.9, 0.8, 0.2));
    OutputLayout layout = OutputLayout.of(outputs, List.of("cls", "p"));
    try (StructVector struct =
        new BatchDecoder(layout, allocator)
            .decodeStruct("prediction", outputs, RowMask.allRows(2))) {
      assertThat(struct.getField().getChildren())
          .extracting(f -> f.getName())
          .containsExactly("cls", "p");
      assertThat(struct.getObject(0).get("cls")).isEqualTo(1L);
      assertThat(struct.getObject(1).get("p")).isEqualTo(List.of(0.8f, 0.2f));
    }
  }

  @Test
  void outputsWithoutOneRowPerInputRowAreErrors() {
    Outputs good = Outputs.of("y", tensor(DType.FLOAT32, new long[] {3, 2}, new double[6]));
    OutputLayout layout = OutputLayout.of(good, List.of());
    BatchDecoder decoder = new BatchDecoder(layout, allocator);
    Outputs fewer = Outputs.of("y", tensor(DType.FLOAT32, new long[] {1, 2}, new double[2]));
    assertThatThrownBy(() -> decoder.decode(fewer, RowMask.allRows(3)))
        .isInstanceOf(BridgeException.class)
        .hasMessageContaining("Output 'y' has 1 rows for a batch of 3 rows (shape [1, 2])");
    Outputs scalar = Outputs.of("y", tensor(DType.FLOAT32, new long[] {}, 1));
    assertThatThrownBy(() -> decoder.decode(scalar, RowMask.allRows(3)))
        .hasMessageContaining(
            "Output 'y' has no batch dimension (a per-batch scalar) for a batch of 3 rows");
    assertThatThrownBy(() -> OutputLayout.of(scalar, List.of()))
        .hasMessageContaining("is a scalar for the whole batch");
    Outputs wider = Outputs.of("y", tensor(DType.FLOAT32, new long[] {3, 4}, new double[12]));
    assertThatThrownBy(() -> decoder.decode(wider, RowMask.allRows(3)))
        .hasMessageContaining(
            "is float32[4] per row in this batch but float32[2] in the output schema");
  }
}
