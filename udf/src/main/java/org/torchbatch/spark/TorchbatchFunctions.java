package org.torchbatch.spark;

import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.classic.ExpressionUtils;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The DataFrame API of {@code predict}: a column of a model's predictions, built straight from a
 * typed {@link ModelConfig} and columns, with no session conf and no SQL text. It plans exactly as
 * SQL's {@code predict('name', ...)} does (the model checked on the driver while the query is
 * analysed, then the batched operator); the session needs {@link TorchbatchExtensions}.
 */
public final class TorchbatchFunctions {
  private TorchbatchFunctions() {}

  /** The column named exactly {@code name}: dots and backticks are part of it, never parsed. */
  public static Column columnNamed(String name) {
    return ExpressionUtils.column(UnresolvedAttribute.quoted(name));
  }

  /** {@code model}'s predictions over {@code arguments}, one column per positional argument. */
  public static Column predict(ModelConfig model, Column... arguments) {
    if (arguments.length == 0) {
      throw new IllegalArgumentException(
          "predict of model '" + model.name() + "' needs at least one argument column");
    }
    // Spark's own bridge between Column and Catalyst expressions, as its connectors use
    Expression[] children =
        Arrays.stream(arguments).map(ExpressionUtils::expression).toArray(Expression[]::new);
    return ExpressionUtils.column(
        new PredictCall(model, CollectionConverters.asScala(Arrays.asList(children)).toSeq()));
  }
}
