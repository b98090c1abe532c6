package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.Arrays;
import java.util.Random;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.io.ParquetDecodingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LevelRunsTest {
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7, 13, 20})
  void decodesWhatParquetMrEncodes(int bitWidth) throws Exception {
    Random random = new Random(bitWidth);
    int[] values = new int[10_000];
    int max = (1 << bitWidth) - 1;
    for (int i = 0; i < values.length; ) {
      // long runs (RLE) and short noise (bit-packed), like levels and dictionary ids
      int length = random.nextBoolean() ? 1 + random.nextInt(600) : 1 + random.nextInt(9);
      int value = random.nextInt(max + 1);
      for (int j = 0; j < length && i < values.length; j++, i++) {
        values[i] = length < 10 ? random.nextInt(max + 1) : value;
      }
    }
    byte[] encoded = encode(values, bitWidth);

    var runs = new LevelRuns();
    runs.decode(encoded, 0, encoded.length, bitWidth, values.length);

    assertThat(Arrays.copyOf(runs.expand(null), values.length)).isEqualTo(values);
    assertThat(runs.countOf(values[0]))
        .isEqualTo((int) Arrays.stream(values).filter(v -> v == values[0]).count());
  }

  @ParameterizedTest
  @ValueSource(ints = {512, 1})
  void aDenseListPageIsAFewRunsPerRow(int width) throws Exception {
    int rows = 100;
    int[] repetition = new int[rows * width];
    for (int i = 0; i < repetition.length; i++) {
      repetition[i] = i % width == 0 ? 0 : 1;
    }
    byte[] encoded = encode(repetition, 1);

    var runs = new LevelRuns();
    runs.decode(encoded, 0, encoded.length, 1, repetition.length);

    assertThat(runs.countOf(0)).isEqualTo(rows);
    assertThat(runs.runs()).isLessThanOrEqualTo(rows * 10);
    assertThat(Arrays.copyOf(runs.expand(null), repetition.length)).isEqualTo(repetition);
  }

  @Test
  void dataThatEndsEarlyIsAnError() throws Exception {
    byte[] encoded = encode(new int[] {1, 0, 1, 1, 0, 1, 0, 0, 1, 1}, 1);
    var runs = new LevelRuns();

    assertThatThrownBy(() -> runs.decode(encoded, 0, encoded.length, 1, 1000))
        .isInstanceOf(ParquetDecodingException.class)
        .hasMessageContaining("ends after 16 of 1000 values");
  }

  /** {@code values} as parquet-mr's writer encodes levels and dictionary ids. */
  static byte[] encode(int[] values, int bitWidth) throws IOException {
    try (var encoder =
        new RunLengthBitPackingHybridEncoder(
            bitWidth, 1024, 1 << 20, HeapByteBufferAllocator.getInstance())) {
      for (int v : values) {
        encoder.writeInt(v);
      }
      return encoder.toBytes().toByteArray();
    }
  }
}
