package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.spark.testing.SparkTestBase;

/**
 * Some writers end v1 pages inside a row (parquet-mr and Spark never do): a page of lists then
 * starts with the rest of the previous page's last row.
 */
class RowsAcrossPagesTest extends SparkTestBase {
  private static final MessageType SCHEMA =
      MessageTypeParser.parseMessageType(
          "message m { required int64 id; optional group features (LIST) {"
              + " repeated group list { optional float element; } } }");
  private static final int ROWS = 5;
  private static final int WIDTH = 6;

  @TempDir Path dir;

  @Test
  void rowsContinueIntoTheNextPage() throws IOException {
    String file = dir.resolve("split-rows.parquet").toString();
    // levels of every element in order; row 3's element 4 is null
    int[] repetition = new int[ROWS * WIDTH];
    int[] definition = new int[ROWS * WIDTH];
    List<Float> values = new ArrayList<>();
    for (int i = 0; i < repetition.length; i++) {
      repetition[i] = i % WIDTH == 0 ? 0 : 1;
      boolean hole = i == 3 * WIDTH + 4;
      definition[i] = hole ? 2 : 3;
      if (!hole) {
        values.add((float) (i / WIDTH * 10 + i % WIDTH));
      }
    }
    // pages of 14, 9 and 7 levels: the first two end inside rows 2 and 3, the last has the null
    int[] pageEnds = {14, 23, 30};
    try (var writer =
        new ParquetFileWriter(new Configuration(), SCHEMA, new org.apache.hadoop.fs.Path(file))) {
      writer.start();
      writer.startBlock(ROWS);
      writer.startColumn(
          SCHEMA.getColumnDescription(new String[] {"id"}),
          ROWS,
          CompressionCodecName.UNCOMPRESSED);
      ByteBuffer ids = ByteBuffer.allocate(8 * ROWS).order(ByteOrder.LITTLE_ENDIAN);
      for (long id = 0; id < ROWS; id++) {
        ids.putLong(id);
      }
      page(writer, ROWS, ids.array(), Encoding.BIT_PACKED);
      writer.endColumn();
      writer.startColumn(
          SCHEMA.getColumnDescription(new String[] {"features", "list", "element"}),
          repetition.length,
          CompressionCodecName.UNCOMPRESSED);
      int from = 0;
      int value = 0;
      for (int end : pageEnds) {
        int[] rep = Arrays.copyOfRange(repetition, from, end);
        int[] def = Arrays.copyOfRange(definition, from, end);
        int present = (int) Arrays.stream(def).filter(d -> d == 3).count();
        ByteBuffer floats = ByteBuffer.allocate(4 * present).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < present; k++) {
          floats.putFloat(values.get(value++));
        }
        var bytes = new ByteArrayOutputStream();
        bytes.writeBytes(lengthPrefixed(LevelRunsTest.encode(rep, 1)));
        bytes.writeBytes(lengthPrefixed(LevelRunsTest.encode(def, 2)));
        bytes.writeBytes(floats.array());
        page(writer, end - from, bytes.toByteArray(), Encoding.RLE);
        from = end;
      }
      writer.endColumn();
      writer.endBlock();
      writer.end(Map.of());
    }

    List<Row> ours =
        spark.read().format(TensorParquetFormat.Name()).load(file).orderBy("id").collectAsList();

    assertThat(ours).isEqualTo(spark.read().parquet(file).orderBy("id").collectAsList());
    assertThat(ours.get(2).getList(1)).containsExactly(20f, 21f, 22f, 23f, 24f, 25f);
    assertThat(ours.get(3).getList(1)).containsExactly(30f, 31f, 32f, 33f, null, 35f);
  }

  private static void page(ParquetFileWriter writer, int levels, byte[] bytes, Encoding levelsAs)
      throws IOException {
    writer.writeDataPage(
        levels, bytes.length, BytesInput.from(bytes), levelsAs, levelsAs, Encoding.PLAIN);
  }

  private static byte[] lengthPrefixed(byte[] bytes) {
    return ByteBuffer.allocate(4 + bytes.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putInt(bytes.length)
        .put(bytes)
        .array();
  }
}
