package org.torchbatch.spark;

import org.apache.spark.TaskContext;
import org.apache.spark.rdd.InputFileBlockHolder;
import org.torchbatch.bridge.NullArgumentException;
import org.torchbatch.runtime.TorchbatchException;

/** The error of a model call that failed: the model, where its rows are, and what to do. */
final class BatchFailure {
  private BatchFailure() {}

  /**
   * {@code message} about a call on {@code rows} rows, after the {@code rowsBefore} this task gave
   * the model, with the setting that lets such rows through.
   */
  static TorchbatchException of(
      PreparedModel model, long rowsBefore, int rows, String message, TorchbatchException cause) {
    if (cause instanceof NullArgumentException) {
      message += "; the setting: " + ModelConfig.PREFIX + model.name() + ".nullPolicy=null";
    }
    if (model.config().onError() == OnError.FAIL) {
      message +=
          "; to predict the other rows and set such ones aside: "
              + ModelConfig.PREFIX
              + model.name()
              + ".onError=quarantine";
    }
    return new TorchbatchException(
        "Model '"
            + model.name()
            + "' ("
            + model.describe()
            + "), "
            + where(rowsBefore, rows)
            + ": "
            + message,
        cause);
  }

  /**
   * Where a failing call's rows are: their place among the rows this task has given the model, and
   * the file the task's scan was reading (what {@code input_file_name()} tells), if any.
   */
  private static String where(long rowsBefore, int rows) {
    TaskContext task = TaskContext.get();
    String partition = task == null ? "" : " of partition " + task.partitionId();
    String file = InputFileBlockHolder.getInputFilePath().toString();
    String reading = file.isEmpty() ? "" : " while reading " + file;
    long last = rowsBefore + Math.max(rows, 1) - 1;
    return "on the batch of input rows " + rowsBefore + "-" + last + partition + reading;
  }
}
