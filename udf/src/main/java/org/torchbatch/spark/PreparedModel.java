package org.torchbatch.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.torchbatch.bridge.ArgumentSpec;
import org.torchbatch.bridge.OutputLayout;

/**
 * A model checked on the driver and ready to ship to executors: what to fetch (and its sha256), how
 * to build each argument from the projected input columns {@code _0.._k}, and the outputs.
 *
 * @param rowBytes the input bytes of one row, from the example the driver ran, which bounds the
 *     rows of a call
 */
public record PreparedModel(
    ModelConfig config,
    String sha256,
    String archiveFile,
    ArchiveSource source,
    List<ArgumentSpec> arguments,
    OutputLayout outputs,
    long rowBytes)
    implements Serializable {

  /**
   * The type {@code predict} returns: the single output's, or a struct of all outputs (and of the
   * rows' errors under quarantine).
   */
  public DataType resultType() {
    DataType predictions = SparkTypes.resultType(outputs);
    return config.onError() == OnError.QUARANTINE
        ? ErrorColumn.type(outputs, predictions)
        : predictions;
  }

  /** Whether the predictions come as a struct: several outputs, or one beside its errors. */
  public boolean structResult() {
    return outputs.fields().size() > 1 || config.onError() == OnError.QUARANTINE;
  }

  public String name() {
    return config.name();
  }

  /** {@code mlp_small.pt.forward} as plans and errors show it. */
  public String describe() {
    return config.name() + "=" + archiveFile + "." + config.method();
  }
}
