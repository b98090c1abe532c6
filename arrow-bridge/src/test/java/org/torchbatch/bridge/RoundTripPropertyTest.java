package org.torchbatch.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.torchbatch.runtime.DType;
import org.torchbatch.runtime.HostTensor;

/** Tensor -> Arrow columns -> tensor gives back the same rows, for any shape, dtype and nulls. */
class RoundTripPropertyTest {
  private BufferAllocator allocator;

  /** One generated batch: a tensor of the non-null rows and where the null rows sit. */
  record Case(DType dtype, long[] rowShape, int rows, BitSet nullRows, long seed) {
    @Override
    public String toString() {
      return dtype
          + " rows="
          + rows
          + " rowShape="
          + java.util.Arrays.toString(rowShape)
          + " nulls="
          + nullRows;
    }
  }

  @BeforeProperty
  void open() {
    allocator = new RootAllocator();
  }

  @AfterProperty
  void close() {
    allocator.close();
  }

  @Provide
  Arbitrary<Case> batches() {
    Arbitrary<DType> dtypes =
        Arbitraries.of(
            DType.FLOAT32,
            DType.FLOAT64,
            DType.FLOAT16,
            DType.INT64,
            DType.INT32,
            DType.INT16,
            DType.INT8,
            DType.UINT8,
            DType.BOOL);
    Arbitrary<long[]> shapes =
        Arbitraries.longs()
            .between(1, 4)
            .list()
            .ofMaxSize(3)
            .map(l -> l.stream().mapToLong(Long::longValue).toArray());
    Arbitrary<Integer> rows = Arbitraries.integers().between(1, 40);
    Arbitrary<Long> seeds = Arbitraries.longs();
    Arbitrary<Double> nullShare = Arbitraries.of(0.0, 0.0, 0.2, 0.6);
    return Combinators.combine(dtypes, shapes, rows, seeds, nullShare)
        .as(
            (dtype, shape, n, seed, share) ->
                new Case(dtype, shape, n, nullRows(n, share, seed), seed));
  }

  private static BitSet nullRows(int rows, double share, long seed) {
    Random random = new Random(seed);
    BitSet nulls = new BitSet();
    for (int r = 1; r < rows; r++) {
      if (random.nextDouble() < share) {
        nulls.set(r);
      }
    }
    return nulls;
  }

  @Property(tries = 300)
  void roundTripKeepsEveryValueAndNull(@ForAll("batches") Case batch) {
    RowMask mask = new RowMask(batch.rows(), batch.nullRows());
    HostTensor original = randomTensor(batch, mask.modelRows());
    BatchDecoderTest.Outputs outputs = BatchDecoderTest.Outputs.of("y", original);
    List<FieldVector> columns =
        new BatchDecoder(OutputLayout.of(outputs, List.of()), allocator).decode(outputs, mask);
    try (VectorSchemaRoot root = new VectorSchemaRoot(columns);
        EncodedBatch encoded =
            new BatchEncoder(
                    List.of(ArgumentSpec.of("y").as(batch.dtype())), NullPolicy.NULL, allocator)
                .encode(root)) {
      assertThat(encoded.mask().nullRows()).isEqualTo(batch.nullRows());
      HostTensor back = encoded.tensors().get(0);
      assertThat(back.dtype()).isEqualTo(original.dtype());
      assertThat(back.shape()).isEqualTo(original.shape());
      assertThat(back.toDoubles()).isEqualTo(original.toDoubles());
    }
  }

  private static HostTensor randomTensor(Case batch, int modelRows) {
    long[] shape = new long[batch.rowShape().length + 1];
    shape[0] = modelRows;
    System.arraycopy(batch.rowShape(), 0, shape, 1, batch.rowShape().length);
    Random random = new Random(batch.seed());
    double[] values = new double[(int) HostTensor.numel(shape)];
    List<Double> specials = new ArrayList<>(List.of(Double.NaN, Double.POSITIVE_INFINITY, -0.0));
    for (int i = 0; i < values.length; i++) {
      values[i] =
          switch (batch.dtype()) {
            case FLOAT32, FLOAT64, FLOAT16 ->
                random.nextInt(20) == 0
                    ? specials.get(random.nextInt(3))
                    : random.nextInt(2001) / 8.0 - 125;
            case BOOL -> random.nextInt(2);
            case UINT8 -> random.nextInt(256);
            case INT8 -> random.nextInt(256) - 128;
            default -> random.nextInt(60001) - 30000;
          };
    }
    return HostTensor.fromDoubles(batch.dtype(), shape, values);
  }
}
