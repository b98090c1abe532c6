package org.torchbatch.job.bench;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.torchbatch.runtime.HostTensor;
import org.torchbatch.runtime.engine.DeviceSpec;
import org.torchbatch.runtime.engine.ModelCache;
import org.torchbatch.runtime.engine.ModelOutputs;
import org.torchbatch.runtime.engine.ModelRunner;

/** What a user writes first: a Java UDF that calls DJL once per row, a runner per thread. */
final class RowUdf {
  private static Path archive;
  private static final ThreadLocal<ModelRunner> RUNNERS =
      ThreadLocal.withInitial(
          () -> ModelCache.shared().acquire(archive, DeviceSpec.CPU).newRunner(1));

  private RowUdf() {}

  /** Registers {@code name(features)} over {@code model} (local mode: the executor is this JVM). */
  static void register(SparkSession spark, String name, Path model) {
    archive = model;
    spark
        .udf()
        .register(
            name,
            (UDF1<scala.collection.Seq<Float>, float[]>) RowUdf::predict,
            DataTypes.createArrayType(DataTypes.FloatType));
  }

  private static float[] predict(scala.collection.Seq<Float> features) {
    float[] input = new float[features.length()];
    for (int i = 0; i < input.length; i++) {
      input[i] = features.apply(i);
    }
    try (ModelOutputs out =
        RUNNERS.get().run("forward", List.of(HostTensor.ofFloats(input, 1, input.length)))) {
      double[] values = out.get(0).toDoubles();
      float[] result = new float[values.length];
      for (int i = 0; i < result.length; i++) {
        result[i] = (float) values[i];
      }
      return result;
    }
  }
}
