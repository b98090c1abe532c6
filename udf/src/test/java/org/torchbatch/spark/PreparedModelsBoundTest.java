package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

/** The driver keeps a bounded number of prepared models, however many a session declares. */
class PreparedModelsBoundTest extends SparkTestBase {
  @Test
  void moreModelsThanTheBoundKeepOnlyTheMostRecent() {
    String path = Fixtures.archive("linear_traced").toString();
    for (int i = 1; i <= ModelInspector.PREPARED_MAX + 8; i++) {
      ModelConfig config =
          ModelConfig.of("m" + i, Map.of("path", path, "shapes", "4", "batchSize", "" + i));
      ModelInspector.prepare(
          config,
          List.of("features"),
          List.of(DataTypes.createArrayType(DataTypes.FloatType, false)),
          new Configuration());
    }
    assertThat(ModelInspector.preparedCount()).isEqualTo(ModelInspector.PREPARED_MAX);
  }
}
