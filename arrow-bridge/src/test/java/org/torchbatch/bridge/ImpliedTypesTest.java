package org.torchbatch.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.archive.ArchiveReader;
import org.torchbatch.runtime.testing.Fixtures;

class ImpliedTypesTest extends AllocatorTest {

  private DType encodedType(String fixture, FieldVector column, ArgumentSpec argument) {
    ImpliedTypes implied =
        new ImpliedTypes(ArchiveReader.read(Fixtures.archive(fixture)), "forward");
    try (VectorSchemaRoot root = new VectorSchemaRoot(List.of(column));
        EncodedBatch batch =
            new BatchEncoder(List.of(argument), NullPolicy.FAIL, allocator, implied).encode(root)) {
      return batch.tensors().get(0).dtype();
    }
  }

  @Test
  void floatColumnsFollowTheWeights() {
    assertThat(encodedType("float64_mlp", columns.floats("x", 1f), ArgumentSpec.of("x")))
        .isEqualTo(DType.FLOAT64);
    assertThat(encodedType("linear_traced", columns.doubles("x", 1), ArgumentSpec.of("x")))
        .isEqualTo(DType.FLOAT32);
  }

  @Test
  void tracedInputTypesWinAndIntegersStayIntegers() {
    assertThat(encodedType("mlp_small", columns.doubles("x", 1), ArgumentSpec.of("x")))
        .isEqualTo(DType.FLOAT32);
    assertThat(encodedType("token_lstm", columns.longs("t", 3), ArgumentSpec.of("t")))
        .isEqualTo(DType.INT64);
  }

  @Test
  void explicitTypeWins() {
    assertThat(
            encodedType(
                "float64_mlp", columns.floats("x", 1f), ArgumentSpec.of("x").as(DType.FLOAT16)))
        .isEqualTo(DType.FLOAT16);
  }
}
