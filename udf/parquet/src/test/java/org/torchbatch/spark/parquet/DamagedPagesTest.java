package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.spark.testing.SparkTestBase;

/**
 * Pages whose levels and values disagree are damaged in ways Spark's reader reads on through,
 * pairing values with the wrong rows: a plain page whose values do not fill it exactly as its
 * levels count them, a chunk of more rows than its row group, a list continued after a level that
 * says it is null. Each is refused, naming the file.
 */
class DamagedPagesTest extends SparkTestBase {
  private static final int ROWS = 3;

  @TempDir Path dir;

  @Test
  void floatsPastTheLevelsAreAnError() throws IOException {
    String file = write("required float x", ROWS, floats(ROWS + 1));

    assertThat(messages(catchThrowable(() -> read(file))))
        .contains("page holds 16 bytes of values where its levels say 3 values of 4 bytes")
        .contains(file);
  }

  @Test
  void stringsPastTheLevelsAreAnError() throws IOException {
    ByteBuffer strings = ByteBuffer.allocate(5 * (ROWS + 1)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i <= ROWS; i++) {
      strings.putInt(1).put(String.valueOf(i).getBytes(StandardCharsets.UTF_8));
    }
    String file = write("required binary s (STRING)", ROWS, strings.array());

    assertThat(messages(catchThrowable(() -> read(file))))
        .contains("page holds 5 bytes past the values its levels say")
        .contains(file);
  }

  @Test
  void aChunkOfMoreRowsThanItsRowGroupIsAnError() throws IOException {
    String file = write("required float x", ROWS + 1, floats(ROWS + 1));

    assertThat(messages(catchThrowable(() -> read(file))))
        .contains("its pages hold more rows than the row group's 3")
        .contains(file);
  }

  /** Found by the corruption fuzzer: Spark's reader made the level a null element. */
  @Test
  void aListContinuedPastANullIsAnError() throws IOException {
    // one row [1.0, 2.0, ?] whose third level continues the list but says it is null
    byte[] rep = LevelRunsTest.encode(new int[] {0, 1, 1}, 1);
    byte[] def = LevelRunsTest.encode(new int[] {3, 3, 0}, 2);
    ByteBuffer page = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    page.putInt(rep.length).put(rep).putInt(def.length).put(def).putFloat(1f).putFloat(2f);
    String file =
        write(
            "optional group v (LIST) { repeated group list { optional float element; } }",
            new String[] {"v", "list", "element"},
            1,
            3,
            Arrays.copyOf(page.array(), page.position()));

    assertThat(messages(catchThrowable(() -> read(file))))
        .contains("level 2 continues a list that its definition level says is empty or null")
        .contains(file);
  }

  private static byte[] floats(int count) {
    ByteBuffer floats = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < count; i++) {
      floats.putFloat(i);
    }
    return floats.array();
  }

  /** A file of one required column whose one page holds {@code levels} levels. */
  private String write(String column, int levels, byte[] page) throws IOException {
    String name = column.split(" ")[2];
    return write(column + ";", new String[] {name}, ROWS, levels, page);
  }

  private String write(String column, String[] path, int rows, int levels, byte[] page)
      throws IOException {
    MessageType schema = MessageTypeParser.parseMessageType("message m { " + column + " }");
    String file = dir.resolve(path[0] + ".parquet").toString();
    try (var writer =
        new ParquetFileWriter(new Configuration(), schema, new org.apache.hadoop.fs.Path(file))) {
      writer.start();
      writer.startBlock(rows);
      writer.startColumn(
          schema.getColumnDescription(path), levels, CompressionCodecName.UNCOMPRESSED);
      // parquet-mr names BIT_PACKED for levels that are not stored (maximum 0)
      Encoding levelsAs = path.length > 1 ? Encoding.RLE : Encoding.BIT_PACKED;
      writer.writeDataPage(
          levels, page.length, BytesInput.from(page), levelsAs, levelsAs, Encoding.PLAIN);
      writer.endColumn();
      writer.endBlock();
      writer.end(Map.of());
    }
    return file;
  }

  private void read(String file) {
    spark.read().format(TensorParquetFormat.Name()).load(file).collectAsList();
  }

  private static String messages(Throwable error) {
    StringBuilder all = new StringBuilder();
    for (Throwable at = error; at != null; at = at.getCause()) {
      all.append(at).append('\n');
    }
    return all.toString();
  }
}
