package org.torchbatch.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.TableIdentifier;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.execution.datasources.HadoopFsRelation;
import org.apache.spark.sql.execution.datasources.LogicalRelation;
import scala.jdk.javaapi.CollectionConverters;

/**
 * What a job reads, as paths: the input's folders (glob matches, a table's location, the root
 * folders of every file-based relation in its plan, a view's included) and its files.
 */
final class InputPaths {
  private InputPaths() {}

  static List<Path> of(SparkSession spark, String input, boolean table, Dataset<Row> data) {
    List<Path> paths = new ArrayList<>();
    if (table) {
      location(spark, input, paths);
    } else {
      try {
        Path pattern = new Path(input);
        FileSystem fs = pattern.getFileSystem(spark.sparkContext().hadoopConfiguration());
        FileStatus[] matches = fs.globStatus(pattern);
        if (matches != null) {
          for (FileStatus match : matches) {
            paths.add(match.getPath());
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        paths.add(new Path(input));
      }
    }
    for (String file : data.inputFiles()) {
      paths.add(new Path(file));
    }
    roots(data, paths);
    return paths;
  }

  /** The folders of every file-based relation the data reads (a view's too). */
  private static void roots(Dataset<Row> data, List<Path> paths) {
    for (LogicalPlan leaf :
        CollectionConverters.asJava(data.queryExecution().analyzed().collectLeaves())) {
      if (leaf instanceof LogicalRelation relation
          && relation.relation() instanceof HadoopFsRelation files) {
        paths.addAll(CollectionConverters.asJava(files.location().rootPaths()));
      }
    }
  }

  /** A catalog table's location; a temporary view has none (its files are listed anyway). */
  private static void location(SparkSession spark, String table, List<Path> paths) {
    try {
      TableIdentifier name = spark.sessionState().sqlParser().parseTableIdentifier(table);
      var metadata = spark.sessionState().catalog().getTableMetadata(name);
      paths.add(new Path(metadata.location()));
    } catch (Exception e) {
      // a temporary view, or a table of a catalog without locations
    }
  }
}
