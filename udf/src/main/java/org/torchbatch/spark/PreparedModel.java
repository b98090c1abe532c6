package org.torchbatch.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.torchbatch.bridge.ArgumentSpec;
import org.torchbatch.bridge.OutputLayout;

/**
 * A model checked on the driver and ready to ship to executors: what to fetch (and its sha256), how
 * to build each argument from the projected input columns {@code _0.._k}, and the outputs.
 */
public record PreparedModel(
    ModelConfig config,
    String sha256,
    String archiveFile,
    ArchiveSource source,
    List<ArgumentSpec> arguments,
    OutputLayout outputs)
    implements Serializable {

  /** The type {@code predict} returns: the single output's, or a struct of all outputs. */
  public DataType resultType() {
    return SparkTypes.resultType(outputs);
  }

  public boolean structResult() {
    return outputs.fields().size() > 1;
  }

  public String name() {
    return config.name();
  }

  /** {@code mlp_small.pt.forward} as plans and errors show it. */
  public String describe() {
    return config.name() + "=" + archiveFile + "." + config.method();
  }
}
