package org.torchbatch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.sql.util.ArrowUtils;
import org.junit.jupiter.api.Test;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.testing.Fixtures;
import org.torchbatch.spark.testing.SparkTestBase;

/**
 * A task whose second model cannot be set up (it asks for a GPU this machine does not have) gives
 * back what it had opened for the first: its model handle and the task's allocator.
 */
class TaskSetupLeakTest extends SparkTestBase {

  private static long taskAllocators() {
    return ArrowUtils.rootAllocator().getChildAllocators().stream()
        .map(BufferAllocator::getName)
        .filter(name -> name.startsWith("torchbatch-task-"))
        .count();
  }

  @Test
  void aModelThatFailsToSetUpLeavesNoHandleAndNoAllocatorOpen() {
    declare("good", "path", Fixtures.archive("linear_traced").toString());
    declare("good", "shapes", "4");
    declare("gpu", "path", Fixtures.archive("linear_traced").toString());
    declare("gpu", "shapes", "4");
    declare("gpu", "device", "cuda");
    spark
        .sql("SELECT array(CAST(id AS FLOAT), 1, 2, 3) AS features FROM range(0, 8, 1, 2)")
        .createOrReplaceTempView("four");
    // the good model alone, so that its load is not what the failing query counts
    spark.sql("SELECT predict('good', features) FROM four").collect();
    int handlesBefore = ModelCache.shared().openHandles();

    assertThatThrownBy(
            () ->
                spark
                    .sql("SELECT predict('good', features), predict('gpu', features) FROM four")
                    .collect())
        .hasStackTraceContaining("cuda");

    assertThat(ModelCache.shared().openHandles()).isEqualTo(handlesBefore);
    assertThat(taskAllocators()).isZero();
  }
}
