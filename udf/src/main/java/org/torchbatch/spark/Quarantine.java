package org.torchbatch.spark;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.classic.ExpressionUtils;

/** The Column form of {@link QuarantineRows}, for {@code Dataset.where}. */
public final class Quarantine {
  private Quarantine() {}

  /**
   * Keeps the rows whose {@code error} is null; hands the {@code record} of the others to {@code
   * sink}.
   */
  public static Column rows(Column error, Column record, BadRecords sink) {
    return ExpressionUtils.column(
        new QuarantineRows(
            ExpressionUtils.expression(error), ExpressionUtils.expression(record), sink));
  }
}
