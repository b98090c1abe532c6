package org.torchbatch.spark.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a row's columns to parquet-mr's column writers with the repetition and definition levels
 * Spark's writer gives them: a null column at 0; a list's first element at repetition 0, the others
 * at 1; an empty list at the level that says "the column is there", a null element one level up.
 */
final class RowColumns {
  private final Column[] columns;

  private RowColumns(Column[] columns) {
    this.columns = columns;
  }

  /** Writers for every column, or null when one holds a type this class does not write. */
  static RowColumns of(StructType spark, MessageType parquet, ColumnWriteStore store) {
    StructField[] fields = spark.fields();
    if (fields.length != parquet.getFieldCount()) {
      return null;
    }
    Column[] columns = new Column[fields.length];
    for (int i = 0; i < fields.length; i++) {
      Type type = parquet.getType(i);
      if (!type.getName().equals(fields[i].name())) {
        return null;
      }
      columns[i] = column(fields[i], type, parquet, store);
      if (columns[i] == null) {
        return null;
      }
    }
    return new RowColumns(columns);
  }

  void write(InternalRow row) {
    for (int i = 0; i < columns.length; i++) {
      columns[i].write(row, i);
    }
  }

  private static Column column(
      StructField field, Type type, MessageType parquet, ColumnWriteStore store) {
    String[] leaf =
        parquet.getPaths().stream().filter(p -> p[0].equals(field.name())).findFirst().orElse(null);
    if (leaf == null) {
      return null;
    }
    ColumnDescriptor descriptor = parquet.getColumnDescription(leaf);
    ColumnWriter writer = store.getColumnWriter(descriptor);
    int present = type.isRepetition(Type.Repetition.OPTIONAL) ? 1 : 0;
    if (field.dataType() instanceof ArrayType array) {
      // lists of numbers only
      ValueType element = ValueType.written(array.elementType());
      if (element == null
          || !element.fixedWidth()
          || type.isPrimitive()
          || descriptor.getMaxRepetitionLevel() != 1) {
        return null;
      }
      boolean nullElements = descriptor.getPrimitiveType().isRepetition(Type.Repetition.OPTIONAL);
      return new ListColumn(
          field.name(), writer, element, present, descriptor.getMaxDefinitionLevel(), nullElements);
    }
    ValueType value = ValueType.written(field.dataType());
    if (value == null || !type.isPrimitive()) {
      return null;
    }
    return new ValueColumn(field.name(), writer, value, present);
  }

  /** Writes one row's value of a column at {@code ordinal}, with its levels. */
  private interface Column {
    void write(InternalRow row, int ordinal);
  }

  private record ValueColumn(String name, ColumnWriter writer, ValueType value, int present)
      implements Column {
    @Override
    public void write(InternalRow row, int ordinal) {
      if (!row.isNullAt(ordinal)) {
        value.write(writer, row, ordinal, 0, present);
      } else if (present == 1) {
        writer.writeNull(0, 0);
      } else {
        throw nullInRequired(name);
      }
    }
  }

  /**
   * A list column: {@code present} is the definition level of a list that is there (empty), {@code
   * max} that of an element that is there; a null element, where the schema allows one, sits one
   * below it.
   */
  private record ListColumn(
      String name,
      ColumnWriter writer,
      ValueType element,
      int present,
      int max,
      boolean nullElements)
      implements Column {
    @Override
    public void write(InternalRow row, int ordinal) {
      if (row.isNullAt(ordinal)) {
        if (present == 0) {
          throw nullInRequired(name);
        }
        writer.writeNull(0, 0);
        return;
      }
      ArrayData array = row.getArray(ordinal);
      int n = array.numElements();
      if (n == 0) {
        writer.writeNull(0, present);
      }
      for (int i = 0; i < n; i++) {
        int repetition = i == 0 ? 0 : 1;
        if (!array.isNullAt(i)) {
          element.write(writer, array, i, repetition, max);
        } else if (nullElements) {
          writer.writeNull(repetition, max - 1);
        } else {
          throw nullInRequired(name + " element");
        }
      }
    }
  }

  private static IllegalStateException nullInRequired(String name) {
    return new IllegalStateException(
        "Column " + name + " is declared non-nullable but a row holds a null: declare it nullable");
  }
}
