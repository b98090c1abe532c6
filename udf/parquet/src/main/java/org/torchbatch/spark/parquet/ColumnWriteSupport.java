package org.torchbatch.spark.parquet;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.hadoop.api.WriteSupport.WriteContext;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.StructType$;

/**
 * Spark's Parquet write support, except that rows whose columns are all numbers, strings, binary or
 * lists of numbers go straight to parquet-mr's column writers: the record-consumer layer in between
 * (field and group events, a null check per level of every list element) costs Spark's writer more
 * than the encoding does. The column writers, and so the encodings, pages, statistics,
 * dictionaries, row groups and footer, are the ones Spark's writer uses, so the files are the same.
 * Rows of any other schema take Spark's path.
 */
public final class ColumnWriteSupport extends ParquetWriteSupport {
  private static final String CONSUMER =
      "org.apache.parquet.io.MessageColumnIO$MessageColumnIORecordConsumer";
  private StructType sparkSchema;
  private MessageType parquetSchema;
  private ColumnWriteStore store;
  private RowColumns columns;

  @Override
  public WriteContext init(Configuration conf) {
    WriteContext context = super.init(conf);
    sparkSchema = StructType$.MODULE$.fromString(conf.get(ParquetWriteSupport.SPARK_ROW_SCHEMA()));
    parquetSchema = context.getSchema();
    return context;
  }

  @Override
  public void prepareForWrite(RecordConsumer consumer) {
    super.prepareForWrite(consumer);
    store = storeBehind(consumer);
    columns = store == null ? null : RowColumns.of(sparkSchema, parquetSchema, store);
  }

  @Override
  public void write(InternalRow row) {
    if (columns == null) {
      super.write(row);
      return;
    }
    columns.write(row);
    store.endRecord();
  }

  /** Whether rows go straight to the column writers (else through Spark's path). */
  boolean writesColumns() {
    return columns != null;
  }

  /**
   * The column store parquet-mr's record consumer writes to, or null when the consumer is another
   * (validating, logging) or parquet-mr's insides have changed: then Spark's path is taken.
   */
  private static ColumnWriteStore storeBehind(RecordConsumer consumer) {
    if (!consumer.getClass().getName().equals(CONSUMER)) {
      return null;
    }
    try {
      VarHandle field =
          MethodHandles.privateLookupIn(consumer.getClass(), MethodHandles.lookup())
              .findVarHandle(consumer.getClass(), "columns", ColumnWriteStore.class);
      return (ColumnWriteStore) field.get(consumer);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
