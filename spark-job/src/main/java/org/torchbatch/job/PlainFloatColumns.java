package org.torchbatch.job;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet write options that turn dictionary encoding off for the float and double columns a model
 * writes: its scores almost never repeat, so Parquet would build a dictionary for each column chunk
 * only to drop it (its cost: docs/performance.md). A dictionary setting in the Hadoop conf, for all
 * columns or for one, is left to win.
 */
final class PlainFloatColumns {
  static final String DICTIONARY = "parquet.enable.dictionary";

  private PlainFloatColumns() {}

  /** Options for the writer: one per floating-point leaf of {@code predictions}. */
  static Map<String, String> options(
      StructType schema, List<String> predictions, Configuration hadoopConf) {
    Map<String, String> options = new LinkedHashMap<>();
    if (hadoopConf.get(DICTIONARY) != null) {
      return options;
    }
    for (StructField field : schema.fields()) {
      if (predictions.contains(field.name())) {
        leaves(field.name(), field.dataType(), options);
      }
    }
    options.keySet().removeIf(key -> hadoopConf.get(key) != null);
    return options;
  }

  /** Parquet column paths as Spark writes them (the standard three-level list layout). */
  private static void leaves(String path, DataType type, Map<String, String> options) {
    if (type instanceof FloatType || type instanceof DoubleType) {
      options.put(DICTIONARY + "#" + path, "false");
    } else if (type instanceof ArrayType array) {
      leaves(path + ".list.element", array.elementType(), options);
    } else if (type instanceof StructType struct) {
      for (StructField field : struct.fields()) {
        leaves(path + "." + field.name(), field.dataType(), options);
      }
    }
  }
}
