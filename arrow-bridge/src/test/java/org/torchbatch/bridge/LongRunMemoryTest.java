package org.torchbatch.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;

/** Thousands of batches through both directions leave Arrow and native memory flat. */
class LongRunMemoryTest extends AllocatorTest {
  private static final int ROWS = 512;

  @Test
  void thousandsOfBatchesLeaveNothingBehind() throws IOException {
    runBatches(300);
    long before = residentKb();
    runBatches(3000);
    long growthKb = residentKb() - before;
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
    float[] scores = new float[ROWS * 10];
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
        int modelRows = batch.mask().modelRows();
        BatchDecoderTest.Outputs outputs =
            BatchDecoderTest.Outputs.of(
                "y", HostTensor.ofFloats(Arrays.copyOf(scores, modelRows * 10), modelRows, 10));
        List<FieldVector> decoded =
            new BatchDecoder(OutputLayout.of(outputs, List.of()), allocator)
                .decode(outputs, batch.mask());
        assertThat(decoded.get(0).isNull(7)).isTrue();
        decoded.forEach(FieldVector::close);
      }
      assertThat(allocator.getAllocatedMemory()).isZero();
    }
  }

  private static long residentKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS");
  }
}
