package org.torchbatch.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;

class BatchEncoderTest extends AllocatorTest {

  private EncodedBatch encode(
      List<FieldVector> vectors, NullPolicy policy, ArgumentSpec... arguments) {
    VectorSchemaRoot root = new VectorSchemaRoot(vectors);
    return new BatchEncoder(List.of(arguments), policy, allocator).encode(root);
  }

  private EncodedBatch encode(List<FieldVector> vectors, ArgumentSpec... arguments) {
    return encode(vectors, NullPolicy.FAIL, arguments);
  }

  private static void closeAll(List<FieldVector> vectors) {
    vectors.forEach(FieldVector::close);
  }

  @Test
  void scalarColumnIsViewedInPlace() {
    List<FieldVector> vectors = List.of(columns.floats("x", 1f, 2f, 3f));
    try (EncodedBatch batch = encode(vectors, ArgumentSpec.of("x"))) {
      HostTensor tensor = batch.tensors().get(0);
      assertThat(batch.isZeroCopy(0)).isTrue();
      assertThat(tensor.shape()).containsExactly(3);
      assertThat(tensor.toDoubles()).containsExactly(1, 2, 3);
      assertThat(tensor.data().isDirect()).isTrue();
    } finally {
      closeAll(vectors);
    }
  }

  @Test
  void fixedSizeAndUniformListsAreViewedInPlace() {
    float[][] rows = {{1, 2, 3, 4}, {5, 6, 7, 8}};
    List<FieldVector> vectors =
        List.of(
            columns.fixedFloatLists("fixed", 4, rows),
            columns.floatLists(
                "list", List.of(new Float[] {1f, 2f, 3f, 4f}, new Float[] {5f, 6f, 7f, 8f})),
            columns.longLists("tokens", new long[][] {{7, 8, 9}, {10, 11, 12}}));
    try (EncodedBatch batch =
        encode(
            vectors,
            ArgumentSpec.of("fixed"),
            ArgumentSpec.of("list"),
            ArgumentSpec.of("tokens"))) {
      for (int i = 0; i < 3; i++) {
        assertThat(batch.isZeroCopy(i)).as("argument %d", i).isTrue();
      }
      assertThat(batch.tensors().get(0).shape()).containsExactly(2, 4);
      assertThat(batch.tensors().get(0).toDoubles()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
      assertThat(batch.tensors().get(1).toDoubles()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
      assertThat(batch.tensors().get(2).dtype()).isEqualTo(DType.INT64);
      assertThat(batch.tensors().get(2).shape()).containsExactly(2, 3);
      assertThat(batch.tensors().get(2).toDoubles()).containsExactly(7, 8, 9, 10, 11, 12);
    } finally {
      closeAll(vectors);
    }
  }

  @Test
  void listsOfListsBecomeThreeDimensions() {
    float[][][] rows = {{{1, 2, 3}, {4, 5, 6}}, {{7, 8, 9}, {10, 11, 12}}};
    List<FieldVector> vectors = List.of(columns.nestedFloatLists("m", rows));
    try (EncodedBatch batch = encode(vectors, ArgumentSpec.of("m"))) {
      assertThat(batch.isZeroCopy(0)).isTrue();
      assertThat(batch.tensors().get(0).shape()).containsExactly(2, 2, 3);
      assertThat(batch.tensors().get(0).toDoubles())
          .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    } finally {
      closeAll(vectors);
    }
  }

  @Test
  void largeListsAreViewedInPlaceAndRaggedOnesNamed() {
    List<FieldVector> even = List.of(columns.largeFloatLists("l", new float[][] {{1, 2}, {3, 4}}));
    try (EncodedBatch batch = encode(even, ArgumentSpec.of("l"))) {
      assertThat(batch.isZeroCopy(0)).isTrue();
      assertThat(batch.tensors().get(0).shape()).containsExactly(2, 2);
      assertThat(batch.tensors().get(0).toDoubles()).containsExactly(1, 2, 3, 4);
    } finally {
      closeAll(even);
    }
    List<FieldVector> ragged = List.of(columns.largeFloatLists("l", new float[][] {{1, 2}, {3}}));
    assertThatThrownBy(() -> encode(ragged, ArgumentSpec.of("l")))
        .hasMessageContaining("Column 'l' row 1 has a list of 1 elements at depth 1");
    closeAll(ragged);
  }

  @Test
  void raggedInnerListsNameRowAndDepth() {
    float[][][] rows = {{{1, 2}, {3, 4}}, {{5, 6}, {7}}};
    List<FieldVector> vectors = List.of(columns.nestedFloatLists("m", rows));
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("m")))
        .hasMessageContaining("Column 'm' row 1 has a list of 1 elements at depth 2");
    closeAll(vectors);
  }

  @Test
  void reshapesEachRow() {
    float[][] rows = {new float[12], new float[12]};
    rows[1][11] = 5;
    List<FieldVector> vectors = List.of(columns.fixedFloatLists("img", 12, rows));
    try (EncodedBatch batch = encode(vectors, ArgumentSpec.of("img").reshape(3, 2, 2))) {
      assertThat(batch.tensors().get(0).shape()).containsExactly(2, 3, 2, 2);
      assertThat(batch.tensors().get(0).toDoubles()[23]).isEqualTo(5);
    }
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("img").reshape(3, 32, 32)))
        .isInstanceOf(BridgeException.class)
        .hasMessageContaining(
            "cannot be reshaped to [3, 32, 32] per row: that needs 3072 elements, but each row has 12");
    closeAll(vectors);
  }

  @Test
  void stacksScalarColumnsSideBySideWithOneCast() {
    List<FieldVector> vectors =
        List.of(
            columns.ints("a", 1, 2), columns.doubles("b", 0.5, 1.5), columns.floats("c", 9f, 8f));
    try (EncodedBatch batch =
        encode(vectors, new ArgumentSpec(List.of("a", "b", "c"), DType.FLOAT32, null, false))) {
      HostTensor tensor = batch.tensors().get(0);
      assertThat(batch.isZeroCopy(0)).isFalse();
      assertThat(tensor.dtype()).isEqualTo(DType.FLOAT32);
      assertThat(tensor.shape()).containsExactly(2, 3);
      assertThat(tensor.toDoubles()).containsExactly(1, 0.5, 9, 2, 1.5, 8);
    }
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("a", "b")))
        .hasMessageContaining("have different types [int32, float64]: give the argument a dtype");
    closeAll(vectors);
  }

  @Test
  void castsOnceAndRefusesLossyNarrowingUnlessAsked() {
    List<FieldVector> vectors =
        List.of(columns.doubles("d", 1.0, 3.7), columns.longs("big", 1L << 40));
    try (EncodedBatch batch = encode(vectors, ArgumentSpec.of("d").as(DType.FLOAT32))) {
      assertThat(batch.tensors().get(0).toDoubles()).containsExactly(1.0, (double) 3.7f);
    }
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("d").as(DType.INT64)))
        .isInstanceOf(BridgeException.class)
        .hasMessageContaining(
            "Column 'd' row 1: value 3.7 (float64) does not fit int64 without losing information");
    try (EncodedBatch batch =
        encode(vectors, ArgumentSpec.of("d").as(DType.INT64).allowLossyCast())) {
      assertThat(batch.tensors().get(0).toDoubles()).containsExactly(1, 3);
    }
    closeAll(vectors);
  }

  @Test
  void narrowingIntegersChecksRange() {
    List<FieldVector> vectors = List.of(columns.longs("big", 5, 1L << 40));
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("big").as(DType.INT32)))
        .hasMessageContaining("row 1: value 1099511627776 (int64) does not fit int32");
    closeAll(vectors);
  }

  @Test
  void booleansUnpackFromBits() {
    List<FieldVector> vectors = List.of(columns.booleans("flag", true, false, true));
    try (EncodedBatch batch = encode(vectors, ArgumentSpec.of("flag"))) {
      assertThat(batch.tensors().get(0).dtype()).isEqualTo(DType.BOOL);
      assertThat(batch.tensors().get(0).toDoubles()).containsExactly(1, 0, 1);
    }
    closeAll(vectors);
  }

  @Test
  void raggedListsNameColumnAndRow() {
    List<FieldVector> vectors =
        List.of(
            columns.floatLists(
                "f", List.of(new Float[] {1f, 2f}, new Float[] {3f, 4f}, new Float[] {5f})));
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("f")))
        .isInstanceOf(BridgeException.class)
        .hasMessageContaining(
            "Column 'f' row 2 has a list of 1 elements at depth 1 where earlier rows have 2");
    closeAll(vectors);
  }

  @Test
  void nullPolicyFailNamesColumnRowAndWhatToDo() {
    List<FieldVector> vectors = List.of(columns.floats("x", 1f, null, 3f));
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("x")))
        .isInstanceOf(NullArgumentException.class)
        .hasMessageContaining("Column 'x' has a null at row 1 of the batch")
        .hasMessageContaining("IS NOT NULL")
        .hasMessageContaining("set the null policy to null");
    closeAll(vectors);
  }

  @Test
  void nullPolicyNullSkipsRowsWithAnyNull() {
    List<FieldVector> vectors =
        List.of(
            columns.floats("x", 1f, null, 3f, 4f),
            columns.floatLists(
                "v",
                Arrays.asList(
                    new Float[] {1f, 1f}, new Float[] {2f, 2f}, null, new Float[] {4f, null})));
    try (EncodedBatch batch =
        encode(vectors, NullPolicy.NULL, ArgumentSpec.of("x"), ArgumentSpec.of("v"))) {
      RowMask mask = batch.mask();
      assertThat(mask.rows()).isEqualTo(4);
      assertThat(mask.modelRows()).isEqualTo(1);
      assertThat(mask.nullRows().stream().toArray()).containsExactly(1, 2, 3);
      assertThat(batch.tensors().get(0).toDoubles()).containsExactly(1);
      assertThat(batch.tensors().get(1).shape()).containsExactly(1, 2);
      assertThat(batch.tensors().get(1).toDoubles()).containsExactly(1, 1);
    } finally {
      closeAll(vectors);
    }
  }

  @Test
  void nanAndInfinityPassThrough() {
    List<FieldVector> vectors =
        List.of(columns.floats("x", Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY));
    try (EncodedBatch batch = encode(vectors, ArgumentSpec.of("x").as(DType.FLOAT64))) {
      assertThat(batch.tensors().get(0).toDoubles())
          .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
    } finally {
      closeAll(vectors);
    }
  }

  @Test
  void unsupportedColumnTypesSayWhatToDo() {
    VarCharVector text = new VarCharVector("name", allocator);
    text.allocateNew();
    text.setSafe(0, "a".getBytes(StandardCharsets.UTF_8));
    text.setValueCount(1);
    DecimalVector price = new DecimalVector("price", allocator, 10, 2);
    price.allocateNew();
    price.setSafe(0, new BigDecimal("1.50"));
    price.setValueCount(1);
    DateDayVector day = new DateDayVector("day", allocator);
    day.allocateNew();
    day.setSafe(0, 20000);
    day.setValueCount(1);
    List<FieldVector> vectors = List.of(text, price, day);
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("name")))
        .hasMessageContaining("Column 'name' is Utf8")
        .hasMessageContaining("strings: tokenize");
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("price")))
        .hasMessageContaining("Column 'price' is Decimal");
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("day")))
        .hasMessageContaining("Column 'day' is Date");
    assertThatThrownBy(() -> encode(vectors, ArgumentSpec.of("missing")))
        .hasMessageContaining("No column 'missing' in the batch; columns: [name, price, day]");
    closeAll(vectors);
  }
}
