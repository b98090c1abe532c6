package org.torchbatch.job;

import java.io.IOException;
import java.util.Collection;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.job.JobSettings.WriteMode;
import org.torchbatch.runtime.cli.ExitCodes;

/**
 * Where the job writes. Overwrite and error-if-exists runs write into a hidden staging folder next
 * to the output, and only after Spark committed it (with {@code _SUCCESS}) does {@link
 * OutputCommit} put it in place, so a failed or killed run leaves the previous output or the new
 * one whole; the next run on the output finishes or rolls back what a killed one left.
 */
final class OutputTarget {
  private static final Logger LOG = LoggerFactory.getLogger(OutputTarget.class);
  private final FileSystem fs;
  private final Path output;
  private final WriteMode mode;
  private final OutputCommit commit;

  OutputTarget(String output, WriteMode mode, Configuration hadoopConf) {
    try {
      Path path = new Path(output);
      this.fs = path.getFileSystem(hadoopConf);
      this.output = fs.makeQualified(path);
    } catch (IOException | IllegalArgumentException e) {
      throw new JobException(
          ExitCodes.USAGE, "Cannot use output " + output + ": " + e.getMessage(), e);
    }
    this.mode = mode;
    this.commit = new OutputCommit(fs, this.output);
  }

  /**
   * Before any work: refuses an output that would destroy or pollute the input, finishes or rolls
   * back what killed runs left beside it (unless {@code recover} is false: a dry run changes
   * nothing), and fails when the mode forbids replacing it.
   */
  void prepare(Collection<Path> inputs, Path warehouse, boolean recover) {
    OutputSafety.check(fs.getConf(), output, inputs, warehouse);
    try {
      if (recover) {
        OutputCommit.recover(fs, output).forEach(done -> LOG.warn("Output recovery: {}", done));
      }
    } catch (IOException e) {
      throw new JobException(
          ExitCodes.FAILED,
          "Cannot finish or roll back what an earlier run left beside "
              + output
              + ": "
              + e.getMessage(),
          e);
    }
    if (mode == WriteMode.ERROR_IF_EXISTS && exists(output)) {
      throw new JobException(
          ExitCodes.OUTPUT_EXISTS,
          "Output "
              + output
              + " exists: choose another --output, or --mode overwrite (replaces it) or append");
    }
    if (!atomicRename() && mode != WriteMode.APPEND) {
      LOG.warn(warning());
    }
  }

  /** Whether moving a folder here is one atomic step (HDFS, local), not a copy of every file. */
  boolean atomicRename() {
    return !OutputSafety.OBJECT_STORES.contains(output.toUri().getScheme());
  }

  String warning() {
    return "Output "
        + output
        + " is on an object store, where a rename copies every file: the finished output is"
        + " moved into place in steps, not atomically, and a run killed while it moves files can"
        + " leave part of it (with --mode overwrite, a mix of old and new). A table format's"
        + " commit (Iceberg, Delta; see docs/tables.md) is atomic there";
  }

  /** Where Spark writes. */
  String writePath() {
    return (mode == WriteMode.APPEND ? output : commit.staging()).toString();
  }

  /** Moves the staged output into place. */
  void commit() {
    if (mode == WriteMode.APPEND) {
      return;
    }
    if (mode == WriteMode.ERROR_IF_EXISTS && exists(output)) {
      abort();
      throw new JobException(
          ExitCodes.OUTPUT_EXISTS, "Output " + output + " appeared while the job ran");
    }
    try {
      commit.commit(OutputCommit.AfterStep.NONE);
    } catch (IOException e) {
      throw new JobException(
          ExitCodes.FAILED,
          "Cannot move the finished output into place: "
              + e.getMessage()
              + "; the next run on "
              + output
              + " finishes or rolls back this one",
          e);
    }
  }

  /** Removes what a failed run staged; the previous output is untouched. */
  void abort() {
    if (mode == WriteMode.APPEND) {
      return;
    }
    try {
      commit.abort();
    } catch (IOException e) {
      LOG.warn(
          "Could not remove the staging folder {} of a failed run: {}",
          commit.staging(),
          e.getMessage());
    }
  }

  /** Files and bytes under the output, for the summary. */
  long[] filesAndBytes() {
    try {
      var summary = fs.getContentSummary(output);
      return new long[] {summary.getFileCount(), summary.getLength()};
    } catch (IOException e) {
      return new long[] {-1, -1};
    }
  }

  private boolean exists(Path path) {
    try {
      return fs.exists(path);
    } catch (IOException e) {
      throw new JobException(ExitCodes.FAILED, "Cannot check " + path + ": " + e.getMessage(), e);
    }
  }
}
