package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A Parquet file of random columns of the types torchbatch-parquet decodes, written by Spark or by
 * parquet-java directly, with random nulls, values, page and row-group sizes, dictionaries, page
 * versions and codec.
 */
record RandomParquetFile(
    List<Column> columns,
    int rows,
    int pageSize,
    int rowGroupSize,
    boolean dictionary,
    int dictionaryPageSize,
    boolean v2,
    CompressionCodecName codec,
    boolean bySpark,
    long seed) {

  enum Kind {
    INT,
    LONG,
    FLOAT,
    DOUBLE,
    STRING,
    BINARY,
    FLOATS,
    INTS,
    LONGS,
    DOUBLES
  }

  /** Which rows are null: none, all, each with a chance, or runs longer than a page. */
  enum Nulls {
    NONE,
    ALL,
    RANDOM,
    RUNS
  }

  /**
   * One column; its values come from {@code distinct} values until row {@code repeatUntil}, then
   * from any (a dictionary that fills up falls back to plain pages mid-chunk).
   */
  record Column(Kind kind, Nulls nulls, boolean nullElements, int distinct, double repeatUntil) {
    boolean list() {
      return kind.ordinal() >= Kind.FLOATS.ordinal();
    }
  }

  /** Writes the file into the empty folder {@code dir} and returns it. */
  Path write(SparkSession spark, Path dir) throws IOException {
    List<Object[]> values = values();
    if (bySpark) {
      List<Row> rowList = values.stream().map(RowFactory::create).toList();
      spark
          .createDataFrame(rowList, sparkSchema())
          .coalesce(1)
          .write()
          .options(
              Map.of(
                  "compression", codec.name().toLowerCase(java.util.Locale.ROOT),
                  "parquet.page.size", String.valueOf(pageSize),
                  "parquet.block.size", String.valueOf(rowGroupSize),
                  "parquet.enable.dictionary", String.valueOf(dictionary),
                  "parquet.dictionary.page.size", String.valueOf(dictionaryPageSize),
                  "parquet.writer.version", v2 ? "PARQUET_2_0" : "PARQUET_1_0"))
          .parquet(dir.resolve("spark").toString());
      try (Stream<Path> files = Files.list(dir.resolve("spark"))) {
        return files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
      }
    }
    Path file = dir.resolve("direct.parquet");
    MessageType schema = parquetSchema();
    SimpleGroupFactory groups = new SimpleGroupFactory(schema);
    try (var writer =
        ExampleParquetWriter.builder(new org.apache.hadoop.fs.Path(file.toUri()))
            .withConf(new Configuration())
            .withType(schema)
            .withCompressionCodec(codec)
            .withPageSize(pageSize)
            .withRowGroupSize((long) rowGroupSize)
            .withDictionaryEncoding(dictionary)
            .withDictionaryPageSize(dictionaryPageSize)
            .withWriterVersion(v2 ? WriterVersion.PARQUET_2_0 : WriterVersion.PARQUET_1_0)
            .build()) {
      for (Object[] row : values) {
        Group group = groups.newGroup();
        for (int c = 0; c < columns.size(); c++) {
          if (row[c] != null) {
            append(group, "c" + c, row[c]);
          }
        }
        writer.write(group);
      }
    }
    return file;
  }

  private static void append(Group group, String name, Object value) {
    if (value instanceof Integer v) {
      group.append(name, v);
    } else if (value instanceof Long v) {
      group.append(name, v);
    } else if (value instanceof Float v) {
      group.append(name, v);
    } else if (value instanceof Double v) {
      group.append(name, v);
    } else if (value instanceof String v) {
      group.append(name, v);
    } else if (value instanceof byte[] v) {
      group.append(name, Binary.fromConstantByteArray(v));
    } else {
      Group outer = group.addGroup(name);
      for (Object element : (List<?>) value) {
        Group item = outer.addGroup("list");
        if (element != null) {
          append(item, "element", element);
        }
      }
    }
  }

  private List<Object[]> values() {
    Random random = new Random(seed);
    List<Object[]> all = new ArrayList<>();
    boolean[][] runNulls = new boolean[columns.size()][];
    for (int c = 0; c < columns.size(); c++) {
      runNulls[c] = new boolean[rows];
      boolean on = random.nextBoolean();
      for (int r = 0; r < rows; ) {
        int run = 1 + random.nextInt(Math.max(1, rows / 3));
        Arrays.fill(runNulls[c], r, Math.min(rows, r + run), on);
        on = !on;
        r += run;
      }
    }
    for (int r = 0; r < rows; r++) {
      Object[] row = new Object[columns.size()];
      for (int c = 0; c < columns.size(); c++) {
        Column column = columns.get(c);
        boolean isNull =
            switch (column.nulls()) {
              case NONE -> false;
              case ALL -> true;
              case RANDOM -> random.nextInt(4) == 0;
              case RUNS -> runNulls[c][r];
            };
        row[c] = isNull ? null : value(column, r, random);
      }
      all.add(row);
    }
    return all;
  }

  private Object value(Column column, int row, Random random) {
    boolean repeat = row < column.repeatUntil() * rows;
    if (!column.list()) {
      return scalar(column.kind(), repeat ? random.nextInt(column.distinct()) : -1, random);
    }
    Kind element = Kind.values()[column.kind().ordinal() - Kind.FLOATS.ordinal()];
    int length = random.nextInt(5) == 0 ? 0 : random.nextInt(1 + random.nextInt(40));
    List<Object> list = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      boolean isNull = column.nullElements() && random.nextInt(6) == 0;
      list.add(
          isNull ? null : scalar(element, repeat ? random.nextInt(column.distinct()) : -1, random));
    }
    return list;
  }

  /** Value number {@code pick} of the few a column repeats, or any value when it is -1. */
  private static Object scalar(Kind kind, int pick, Random random) {
    long bits = pick >= 0 ? pick * 7919L : random.nextLong();
    return switch (kind) {
      case INT -> (int) bits;
      case LONG -> bits;
      case FLOAT -> pick >= 0 ? pick * 0.5f : Float.intBitsToFloat((int) bits);
      case DOUBLE -> pick >= 0 ? pick * 0.25d : Double.longBitsToDouble(bits);
      case STRING ->
          pick >= 0 ? "v" + pick : "é" + Long.toString(bits, 36).repeat((int) (bits & 3));
      case BINARY -> {
        byte[] bytes = new byte[pick >= 0 ? pick % 5 : random.nextInt(20)];
        if (pick < 0) {
          random.nextBytes(bytes);
        }
        yield bytes;
      }
      default -> throw new IllegalArgumentException(kind.name());
    };
  }

  private StructType sparkSchema() {
    StructType schema = new StructType();
    for (int c = 0; c < columns.size(); c++) {
      Column column = columns.get(c);
      DataType type =
          column.list()
              ? DataTypes.createArrayType(
                  sparkType(Kind.values()[column.kind().ordinal() - Kind.FLOATS.ordinal()]),
                  column.nullElements())
              : sparkType(column.kind());
      schema = schema.add("c" + c, type, column.nulls() != Nulls.NONE);
    }
    return schema;
  }

  private static DataType sparkType(Kind kind) {
    return switch (kind) {
      case INT -> DataTypes.IntegerType;
      case LONG -> DataTypes.LongType;
      case FLOAT -> DataTypes.FloatType;
      case DOUBLE -> DataTypes.DoubleType;
      case STRING -> DataTypes.StringType;
      case BINARY -> DataTypes.BinaryType;
      default -> throw new IllegalArgumentException(kind.name());
    };
  }

  private MessageType parquetSchema() {
    List<Type> fields = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      Column column = columns.get(c);
      Repetition repetition =
          column.nulls() == Nulls.NONE ? Repetition.REQUIRED : Repetition.OPTIONAL;
      String name = "c" + c;
      if (!column.list()) {
        fields.add(primitive(column.kind(), repetition, name));
        continue;
      }
      Kind element = Kind.values()[column.kind().ordinal() - Kind.FLOATS.ordinal()];
      Repetition elements = column.nullElements() ? Repetition.OPTIONAL : Repetition.REQUIRED;
      fields.add(
          Types.buildGroup(repetition)
              .as(LogicalTypeAnnotation.listType())
              .addField(
                  Types.repeatedGroup()
                      .addField(primitive(element, elements, "element"))
                      .named("list"))
              .named(name));
    }
    return new MessageType("spark_schema", fields);
  }

  private static Type primitive(Kind kind, Repetition repetition, String name) {
    return switch (kind) {
      case INT -> Types.primitive(PrimitiveTypeName.INT32, repetition).named(name);
      case LONG -> Types.primitive(PrimitiveTypeName.INT64, repetition).named(name);
      case FLOAT -> Types.primitive(PrimitiveTypeName.FLOAT, repetition).named(name);
      case DOUBLE -> Types.primitive(PrimitiveTypeName.DOUBLE, repetition).named(name);
      case STRING ->
          Types.primitive(PrimitiveTypeName.BINARY, repetition)
              .as(LogicalTypeAnnotation.stringType())
              .named(name);
      case BINARY -> Types.primitive(PrimitiveTypeName.BINARY, repetition).named(name);
      default -> throw new IllegalArgumentException(kind.name());
    };
  }
}
