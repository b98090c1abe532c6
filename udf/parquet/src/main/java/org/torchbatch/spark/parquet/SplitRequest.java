package org.torchbatch.spark.parquet;

import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.filter2.predicate.FilterPredicate;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * What one task asks of a file split: the bytes {@code [start, start + length)} of {@code path},
 * its columns {@code required} (matched to the file's by name, ignoring case unless {@code
 * caseSensitive}), the partition values every row carries, and rows per batch.
 *
 * @param filter the predicate Spark pushed, built for a file's schema (null when there is none):
 *     row groups whose statistics or dictionaries rule it out are not read
 */
public record SplitRequest(
    Configuration conf,
    Path path,
    long start,
    long length,
    StructType required,
    StructType partitions,
    InternalRow partitionValues,
    int capacity,
    boolean caseSensitive,
    Function<MessageType, FilterPredicate> filter) {}
