package org.torchbatch.job;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.torchbatch.runtime.archive.ArchiveInfo;
import org.torchbatch.runtime.archive.MethodSignature;
import org.torchbatch.runtime.cli.ExitCodes;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The row shape of each array argument that neither {@code --shape} nor the archive (a trace's
 * recorded input) gives, learned from the input's first row where the argument is not null: each
 * level's length. Every batch is then checked against it, as a given shape is.
 */
final class RowShapes {
  private RowShapes() {}

  /** One shape per argument, {@code ""} where none is needed or the archive records one. */
  static List<String> resolve(
      Dataset<Row> input,
      List<String> arguments,
      List<String> given,
      ArchiveInfo info,
      String method) {
    List<String> shapes = new ArrayList<>(given);
    MethodSignature signature = info.requireMethod(method);
    if (arguments.size() < signature.requiredArgumentCount()
        || arguments.size() > signature.arguments().size()) {
      // the analysis reports the count, before any Spark job runs
      return shapes;
    }
    shapes.clear();
    for (int i = 0; i < arguments.size(); i++) {
      String shape = i < given.size() ? given.get(i) : "";
      if (shape.isBlank() && !recorded(info, method, i)) {
        shape = learn(input, arguments.get(i), i);
      }
      shapes.add(shape);
    }
    return shapes;
  }

  private static boolean recorded(ArchiveInfo info, String method, int position) {
    return info.tracedInputs().stream()
        .anyMatch(t -> t.method().equals(method) && t.position() == position);
  }

  private static String learn(Dataset<Row> input, String argument, int position) {
    // the argument parsed as the one expression it is, as the job's predict parses it
    Dataset<Row> values = input.select(functions.expr(argument).as("v"));
    DataType type = values.schema().fields()[0].dataType();
    if (!(type instanceof ArrayType)) {
      return "";
    }
    List<Row> first = values.where(functions.col("v").isNotNull()).limit(1).collectAsList();
    if (first.isEmpty()) {
      throw cannotLearn(position, argument, "is null in every input row");
    }
    List<Long> dims = new ArrayList<>();
    Object level = first.get(0).get(0);
    while (type instanceof ArrayType array) {
      List<?> elements = elements(level);
      if (elements == null || elements.isEmpty() && array.elementType() instanceof ArrayType) {
        throw cannotLearn(position, argument, "has a null or empty nested array in its first row");
      }
      dims.add((long) elements.size());
      level = elements.isEmpty() ? null : elements.get(0);
      type = array.elementType();
    }
    return dims.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  private static JobException cannotLearn(int position, String argument, String why) {
    return new JobException(
        ExitCodes.USAGE,
        "--arg #"
            + (position + 1)
            + " ("
            + argument
            + ") "
            + why
            + ", so its row shape cannot be learned, and the archive records none: set --shape");
  }

  private static List<?> elements(Object value) {
    if (value instanceof List<?> list) {
      return list;
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      return CollectionConverters.asJava(seq);
    }
    return null;
  }
}
