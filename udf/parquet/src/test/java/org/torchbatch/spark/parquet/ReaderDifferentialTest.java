package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.commons.io.FileUtils;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.execution.datasources.parquet.VectorizedParquetRecordReader;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.torchbatch.spark.parquet.RandomParquetFile.Column;
import org.torchbatch.spark.parquet.RandomParquetFile.Kind;
import org.torchbatch.spark.parquet.RandomParquetFile.Nulls;
import org.torchbatch.spark.testing.SparkTestBase;

/**
 * torchbatch-parquet against Spark's vectorized reader on random files ({@link RandomParquetFile}):
 * the same batches, row for row and bit for bit, or the file left to Spark's reader.
 */
class ReaderDifferentialTest {
  private static final int CAPACITY = 4096;
  private static final List<CompressionCodecName> CODECS =
      List.of(
          CompressionCodecName.UNCOMPRESSED,
          CompressionCodecName.SNAPPY,
          CompressionCodecName.GZIP,
          CompressionCodecName.ZSTD,
          CompressionCodecName.LZ4_RAW);
  private static SparkSession spark;
  private static Path dir;
  private static int taken;
  private static int tries;

  @BeforeContainer
  static void start() throws IOException {
    SparkTestBase.startSpark();
    spark = SparkSession.active();
    dir = Files.createTempDirectory("parquet-differential");
  }

  @Provide
  Arbitrary<RandomParquetFile> files() {
    Arbitrary<Column> column =
        Combinators.combine(
                Arbitraries.of(Kind.class),
                Arbitraries.of(Nulls.class),
                Arbitraries.of(true, false),
                Arbitraries.of(3, 60, 1000),
                Arbitraries.of(0.0, 0.5, 1.0))
            .as(Column::new);
    Arbitrary<Shape> shape =
        Combinators.combine(
                column.list().ofMinSize(1).ofMaxSize(5),
                Arbitraries.integers().between(1, 6000),
                Arbitraries.longs())
            .as(Shape::new);
    return Combinators.combine(
            shape,
            Arbitraries.of(64, 512, 4096, 65536),
            Arbitraries.of(4096, 32768, 1 << 20),
            Arbitraries.of(true, false),
            Arbitraries.of(256, 4096, 1 << 20),
            // v2 pages hold most columns DELTA-encoded, which are Spark's reader's
            Arbitraries.frequency(Tuple.of(1, true), Tuple.of(3, false)),
            Arbitraries.of(CODECS),
            Arbitraries.of(true, false))
        .as(
            (at, page, group, dictionary, dictionaryPage, v2, codec, bySpark) ->
                new RandomParquetFile(
                    at.columns(),
                    at.rows(),
                    page,
                    group,
                    dictionary,
                    dictionaryPage,
                    v2,
                    codec,
                    bySpark,
                    at.seed()));
  }

  /** The columns, rows and the seed of their values. */
  record Shape(List<Column> columns, int rows, long seed) {}

  @Property
  void batchesEqualSparksReader(@ForAll("files") RandomParquetFile random) throws IOException {
    Path folder = Files.createTempDirectory(dir, "file");
    try {
      Path file = random.write(spark, folder);
      List<List<String>> theirs = sparks(file);
      StructType schema = spark.read().parquet(file.toString()).schema();
      List<List<String>> ours = ours(file, schema);
      tries++;
      if (ours == null) {
        return; // a column this reader leaves to Spark's (v2's DELTA encodings)
      }
      taken++;
      assertThat(ours).as("%s", random).isEqualTo(theirs);
    } finally {
      FileUtils.deleteDirectory(folder.toFile());
    }
  }

  /** Most files must be this reader's, or the comparison says little. */
  @AfterContainer
  static void mostFilesWereOurs() throws IOException {
    FileUtils.deleteDirectory(dir.toFile());
    assertThat(taken).as("files torchbatch-parquet read of %d", tries).isGreaterThan(tries / 2);
  }

  private static List<List<String>> ours(Path file, StructType schema) throws IOException {
    try (ParquetSplitBatches batches =
        Splits.open(spark.sparkContext().hadoopConfiguration(), file, schema)) {
      if (batches == null) {
        return null;
      }
      List<List<String>> all = new ArrayList<>();
      Splits.drain(batches, batch -> all.add(rows(batch, schema)));
      return all;
    }
  }

  private static List<List<String>> sparks(Path file) throws IOException {
    var reader = new VectorizedParquetRecordReader(false, CAPACITY);
    try {
      reader.initialize(file.toString(), null);
      reader.initBatch(new StructType(), InternalRow.empty());
      StructType schema = spark.read().parquet(file.toString()).schema();
      List<List<String>> all = new ArrayList<>();
      while (reader.nextBatch()) {
        all.add(rows(reader.resultBatch(), schema));
      }
      return all;
    } finally {
      reader.close();
    }
  }

  /** A batch's rows as text, numbers by their bits (NaN payloads and -0 included). */
  private static List<String> rows(ColumnarBatch batch, StructType schema) {
    List<String> rows = new ArrayList<>();
    for (int r = 0; r < batch.numRows(); r++) {
      InternalRow row = batch.getRow(r);
      StringBuilder text = new StringBuilder();
      for (int c = 0; c < schema.size(); c++) {
        DataType type = schema.fields()[c].dataType();
        if (row.isNullAt(c)) {
          text.append("null");
        } else if (type instanceof ArrayType array) {
          ArrayData values = row.getArray(c);
          text.append('[');
          for (int i = 0; i < values.numElements(); i++) {
            text.append(values.isNullAt(i) ? "null" : value(values, i, array.elementType()))
                .append(',');
          }
          text.append(']');
        } else {
          text.append(value(row, c, type));
        }
        text.append('|');
      }
      rows.add(text.toString());
    }
    return rows;
  }

  private static String value(
      org.apache.spark.sql.catalyst.expressions.SpecializedGetters row, int i, DataType type) {
    if (type.equals(DataTypes.IntegerType)) {
      return Integer.toString(row.getInt(i));
    } else if (type.equals(DataTypes.LongType)) {
      return Long.toString(row.getLong(i));
    } else if (type.equals(DataTypes.FloatType)) {
      return Integer.toHexString(Float.floatToRawIntBits(row.getFloat(i)));
    } else if (type.equals(DataTypes.DoubleType)) {
      return Long.toHexString(Double.doubleToRawLongBits(row.getDouble(i)));
    } else if (type.equals(DataTypes.StringType)) {
      return row.getUTF8String(i).toString();
    } else if (type.equals(DataTypes.BinaryType)) {
      return HexFormat.of().formatHex(row.getBinary(i));
    }
    throw new IllegalArgumentException(type.toString());
  }
}
