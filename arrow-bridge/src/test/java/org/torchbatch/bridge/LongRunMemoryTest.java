package org.torchbatch.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.testing.NativeMemory;

/** Thousands of batches through both directions leave Arrow and native memory flat. */
class LongRunMemoryTest extends AllocatorTest {
  private static final int ROWS = 512;

  @Test
  void thousandsOfBatchesLeaveNothingBehind() {
    runBatches(1000);
    long before = NativeMemory.residentKb();
    runBatches(3000);
    long growthKb = NativeMemory.residentKb() - before;
    assertThat(allocator.getAllocatedMemory()).isZero();
    // one leaked batch is ~200 KiB, so 3000 leaks would be ~600 MiB
    assertThat(growthKb).as("RSS growth over 3000 batches, KiB").isLessThan(48 * 1024);
  }

  private void runBatches(int count) {
    List<Float[]> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      Float[] row = new Float[16];
      Arrays.fill(row, (float) r);
      rows.add(r == 7 ? null : row);
    }
    // one null row is skipped, so the model sees ROWS - 1 rows; built once, outside the loop
    BatchDecoderTest.Outputs outputs =
        BatchDecoderTest.Outputs.of(
            "y", HostTensor.ofFloats(new float[(ROWS - 1) * 10], ROWS - 1, 10));
    for (int b = 0; b < count; b++) {
      List<FieldVector> vectors =
          List.of(
              columns.floatLists("v", rows),
              columns.ints("a", new int[ROWS]),
              columns.doubles("b", new double[ROWS]));
      BatchEncoder encoder =
          new BatchEncoder(
              List.of(ArgumentSpec.of("v"), ArgumentSpec.of("a", "b").as(DType.FLOAT32)),
              NullPolicy.NULL,
              allocator);
      try (VectorSchemaRoot root = new VectorSchemaRoot(vectors);
          EncodedBatch batch = encoder.encode(root)) {
        List<FieldVector> decoded =
            new BatchDecoder(OutputLayout.of(outputs, List.of()), allocator)
                .decode(outputs, batch.mask());
        assertThat(decoded.get(0).isNull(7)).isTrue();
        decoded.forEach(FieldVector::close);
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }
}
