package org.torchbatch.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;
import org.torchbatch.runtime.testing.ExpectedCalls;
import org.torchbatch.runtime.testing.Fixtures;

/** Arrow columns -> tensors -> libtorch -> columns give PyTorch's own outputs, nulls included. */
class ModelThroughBridgeTest extends AllocatorTest {

  @Test
  void twoArgumentModelWithTupleOutputMatchesPyTorch() {
    ExpectedCalls.Call call = ExpectedCalls.of("traced_cell").calls().get(0);
    List<FieldVector> inputs =
        List.of(listColumn("x", call.inputs().get(0)), listColumn("h", call.inputs().get(1)));
    try (VectorSchemaRoot root = new VectorSchemaRoot(inputs);
        ModelHandle model =
            ModelCache.shared().acquire(Fixtures.archive("traced_cell"), DeviceSpec.CPU);
        EncodedBatch batch =
            new BatchEncoder(
                    List.of(ArgumentSpec.of("x"), ArgumentSpec.of("h")), NullPolicy.FAIL, allocator)
                .encode(root);
        ModelOutputs outputs = model.newRunner().run("forward", batch.tensors())) {
      assertThat(batch.isZeroCopy(0)).isTrue();
      List<FieldVector> columns =
          new BatchDecoder(OutputLayout.of(outputs, List.of("new_h", "same_h")), allocator)
              .decode(outputs, batch.mask());
      try {
        HostTensor expected = call.outputs().get("_0");
        ListVector newH = (ListVector) columns.get(0);
        double[] want = expected.toDoubles();
        for (int r = 0; r < 3; r++) {
          for (int c = 0; c < 4; c++) {
            assertThat(((Number) newH.getObject(r).get(c)).doubleValue())
                .isCloseTo(want[r * 4 + c], org.assertj.core.api.Assertions.within(1e-5));
          }
        }
        assertThat(columns.get(1).getField().getName()).isEqualTo("same_h");
      } finally {
        columns.forEach(FieldVector::close);
      }
    }
  }

  private ListVector listColumn(String name, HostTensor tensor) {
    double[] values = tensor.toDoubles();
    int width = (int) tensor.shape()[1];
    List<Float[]> rows = new ArrayList<>();
    for (int r = 0; r < tensor.shape()[0]; r++) {
      Float[] row = new Float[width];
      for (int c = 0; c < width; c++) {
        row[c] = (float) values[r * width + c];
      }
      rows.add(row);
    }
    return columns.floatLists(name, rows);
  }
}
