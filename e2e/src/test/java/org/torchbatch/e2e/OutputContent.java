package org.torchbatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelHandle;
import org.torchbatch.runtime.engine.ModelOutputs;

/**
 * What a job wrote, read apart from Spark (parquet-java on HDFS), against what graph-runtime
 * computes for the same rows: exactly-once by content, not by counts.
 */
final class OutputContent {
  private OutputContent() {}

  /** The output's rows: id to prediction (null for a null prediction). */
  static Map<Long, float[]> read(FileSystem fs, String output) throws IOException {
    Map<Long, float[]> rows = new HashMap<>();
    RemoteIterator<LocatedFileStatus> files =
        fs.listFiles(new org.apache.hadoop.fs.Path(output), true);
    Configuration conf = fs.getConf();
    while (files.hasNext()) {
      org.apache.hadoop.fs.Path file = files.next().getPath();
      if (!file.getName().endsWith(".parquet")) {
        continue;
      }
      try (ParquetReader<Group> reader =
          ParquetReader.builder(new GroupReadSupport(), file).withConf(conf).build()) {
        for (Group row = reader.read(); row != null; row = reader.read()) {
          long id = row.getLong("id", 0);
          float[] previous = rows.put(id, prediction(row));
          assertThat(previous).as("row %d written twice", id).isNull();
        }
      }
    }
    return rows;
  }

  private static float[] prediction(Group row) {
    if (row.getFieldRepetitionCount("prediction") == 0) {
      return null;
    }
    Group list = row.getGroup("prediction", 0);
    int n = list.getFieldRepetitionCount("list");
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = list.getGroup("list", i).getFloat("element", 0);
    }
    return values;
  }

  /** graph-runtime's predictions for the generated rows {@code ids}, in batches of 1,024. */
  static Map<Long, float[]> reference(Path archive, List<Long> ids) {
    Map<Long, float[]> expected = new HashMap<>();
    try (ModelHandle model = ModelCache.shared().acquire(archive, DeviceSpec.CPU)) {
      for (int from = 0; from < ids.size(); from += 1024) {
        List<Long> batch = ids.subList(from, Math.min(ids.size(), from + 1024));
        float[] features = new float[batch.size() * 512];
        for (int r = 0; r < batch.size(); r++) {
          for (int i = 1; i <= 512; i++) {
            features[r * 512 + i - 1] = (float) Math.sin(batch.get(r) * 0.37 + i);
          }
        }
        try (ModelOutputs out =
            model
                .newRunner()
                .run("forward", List.of(HostTensor.ofFloats(features, batch.size(), 512)))) {
          double[] values = out.get(0).toDoubles();
          int width = values.length / batch.size();
          for (int r = 0; r < batch.size(); r++) {
            float[] row = new float[width];
            for (int c = 0; c < width; c++) {
              row[c] = (float) values[r * width + c];
            }
            expected.put(batch.get(r), row);
          }
        }
      }
    }
    return expected;
  }

  /**
   * Asserts that the output holds every id of {@code 0..rows-1} once, null exactly where the input
   * was null, and elsewhere the reference's prediction.
   */
  static void assertExactlyOnce(
      FileSystem fs, String output, Path archive, int rows, java.util.function.LongPredicate isNull)
      throws IOException {
    Map<Long, float[]> written = read(fs, output);
    assertThat(written).hasSize(rows);
    List<Long> predicted = new ArrayList<>();
    for (long id = 0; id < rows; id++) {
      assertThat(written).containsKey(id);
      if (isNull.test(id)) {
        assertThat(written.get(id)).as("row %d", id).isNull();
      } else {
        predicted.add(id);
      }
    }
    Map<Long, float[]> expected = reference(archive, predicted);
    for (long id : predicted) {
      float[] got = written.get(id);
      float[] want = expected.get(id);
      assertThat(got).as("row %d", id).hasSameSizeAs(want);
      for (int c = 0; c < want.length; c++) {
        assertThat(got[c])
            .as("row %d, output %d", id, c)
            .isCloseTo(want[c], org.assertj.core.api.Assertions.within(1e-4f));
      }
    }
  }
}
