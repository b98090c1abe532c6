package org.torchbatch.job;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.torchbatch.job.JobSettings.WriteMode;
import org.torchbatch.runtime.cli.ExitCodes;

/**
 * Where the job writes. Overwrite and error-if-exists runs write into a hidden staging folder next
 * to the output and move it into place only after Spark committed it (with {@code _SUCCESS}), so a
 * failed run leaves the previous output, or nothing, never a half-written one.
 */
final class OutputTarget {
  private static final Logger LOG = LoggerFactory.getLogger(OutputTarget.class);
  private final FileSystem fs;
  private final Path output;
  private final WriteMode mode;
  private final Path staging;

  OutputTarget(String output, WriteMode mode, Configuration hadoopConf) {
    try {
      this.output = new Path(output);
      this.fs = this.output.getFileSystem(hadoopConf);
    } catch (IOException e) {
      throw new JobException(
          ExitCodes.USAGE, "Cannot use output " + output + ": " + e.getMessage(), e);
    }
    this.mode = mode;
    this.staging =
        mode == WriteMode.APPEND
            ? this.output
            : new Path(
                this.output.getParent(),
                "." + this.output.getName() + ".torchbatch-" + UUID.randomUUID());
  }

  /** Fails with the output-exists exit code when the mode forbids replacing it. */
  void checkWritable() {
    if (mode == WriteMode.ERROR_IF_EXISTS && exists(output)) {
      throw new JobException(
          ExitCodes.OUTPUT_EXISTS,
          "Output "
              + output
              + " exists: choose another --output, or --mode overwrite (replaces it) or append");
    }
  }

  /** Where Spark writes. */
  String writePath() {
    return staging.toString();
  }

  /** Moves the staged output into place. */
  void commit() {
    if (mode == WriteMode.APPEND) {
      return;
    }
    try {
      if (exists(output)) {
        if (mode == WriteMode.ERROR_IF_EXISTS) {
          abort();
          throw new JobException(
              ExitCodes.OUTPUT_EXISTS, "Output " + output + " appeared while the job ran");
        }
        fs.delete(output, true);
      }
      fs.mkdirs(output.getParent());
      if (!fs.rename(staging, output)) {
        throw new IOException("rename of " + staging + " to " + output + " failed");
      }
    } catch (IOException e) {
      throw new JobException(
          ExitCodes.FAILED, "Cannot move the finished output into place: " + e.getMessage(), e);
    }
  }

  /** Removes what a failed run staged; the previous output is untouched. */
  void abort() {
    if (mode == WriteMode.APPEND) {
      return;
    }
    try {
      fs.delete(staging, true);
    } catch (IOException e) {
      LOG.warn(
          "Could not remove the staging folder {} of a failed run: {}", staging, e.getMessage());
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
