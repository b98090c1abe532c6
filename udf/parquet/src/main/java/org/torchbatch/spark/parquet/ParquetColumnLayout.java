package org.torchbatch.spark.parquet;

import java.util.Locale;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ColumnPath;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation.ListLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Type.Repetition;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;

/**
 * Where one requested Spark column sits in a file and how its levels read: a value, or a standard
 * three-level LIST of them ({@code optional group f (LIST) { repeated group list { optional float
 * element } }}, the spec's layout, as Spark writes it).
 *
 * @param listDefinition definition level at which a list row is present (below it: null)
 */
record ParquetColumnLayout(
    ColumnDescriptor descriptor,
    ValueType type,
    boolean list,
    int maxDefinition,
    int maxRepetition,
    int listDefinition) {

  /**
   * The layout of {@code field} in {@code file}, its name matched ignoring case unless {@code
   * caseSensitive} (Spark's default), or null when this reader leaves it to Spark's.
   */
  static ParquetColumnLayout of(StructField field, MessageType file, boolean caseSensitive) {
    Type stored = stored(field.name(), file, caseSensitive);
    if (stored == null || stored.isRepetition(Repetition.REPEATED)) {
      return null;
    }
    DataType type = field.dataType();
    if (stored.isPrimitive()) {
      ValueType values = ValueType.of(type, stored.asPrimitiveType());
      return values == null ? null : layout(file, values, false, stored.getName());
    }
    if (!(type instanceof ArrayType array)
        || !(stored.getLogicalTypeAnnotation() instanceof ListLogicalTypeAnnotation)) {
      return null;
    }
    GroupType outer = stored.asGroupType();
    if (outer.getFieldCount() != 1 || outer.getType(0).isPrimitive()) {
      return null;
    }
    GroupType repeated = outer.getType(0).asGroupType();
    if (!repeated.isRepetition(Repetition.REPEATED)
        || repeated.getFieldCount() != 1
        || !repeated.getType(0).isPrimitive()
        || repeated.getType(0).isRepetition(Repetition.REPEATED)) {
      return null;
    }
    Type element = repeated.getType(0);
    ValueType values = ValueType.of(array.elementType(), element.asPrimitiveType());
    return values == null || !values.fixedWidth()
        ? null
        : layout(file, values, true, stored.getName(), repeated.getName(), element.getName());
  }

  /**
   * The file's field named {@code name}, or null when there is none or, ignoring case, more than
   * one (Spark's reader says which).
   */
  private static Type stored(String name, MessageType file, boolean caseSensitive) {
    if (caseSensitive) {
      return file.containsField(name) ? file.getType(name) : null;
    }
    Type found = null;
    for (Type candidate : file.getFields()) {
      if (candidate.getName().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
        if (found != null) {
          return null;
        }
        found = candidate;
      }
    }
    return found;
  }

  /** This column's chunk in {@code rowGroup} (every row group holds one of each column). */
  ColumnChunkMetaData chunkIn(BlockMetaData rowGroup) {
    ColumnPath path = ColumnPath.get(descriptor.getPath());
    for (ColumnChunkMetaData chunk : rowGroup.getColumns()) {
      if (chunk.getPath().equals(path)) {
        return chunk;
      }
    }
    throw new ParquetDecodingException("a row group without a chunk of column " + path);
  }

  private static ParquetColumnLayout layout(
      MessageType file, ValueType type, boolean list, String... path) {
    ColumnDescriptor column = file.getColumnDescription(path);
    int outerDefinition = file.getType(path[0]).isRepetition(Repetition.OPTIONAL) ? 1 : 0;
    return new ParquetColumnLayout(
        column,
        type,
        list,
        column.getMaxDefinitionLevel(),
        column.getMaxRepetitionLevel(),
        outerDefinition);
  }
}
