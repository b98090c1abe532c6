package org.torchbatch.job;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Puts a staged output in place of the old one in steps that each leave one of them whole, on
 * filesystems whose rename is atomic (HDFS, local): a marker names the run, the old output moves
 * aside, the new one moves in, the old one is deleted, then the marker. A run that died part way is
 * finished, or rolled back, by {@link #recover} at the start of the next run on that output.
 *
 * <p>Beside {@code /out} a run {@code ID} uses {@code /.out.torchbatch-ID} (staging), {@code
 * .out.torchbatch-ID.old} (the old output, moved aside) and {@code .out.torchbatch-ID.commit} (the
 * marker).
 */
final class OutputCommit {
  static final String ASIDE = ".old";
  static final String MARKER = ".commit";

  /** The steps of a commit, in order; tests stop a commit after any of them. */
  enum Step {
    MARKED,
    MOVED_ASIDE,
    MOVED_IN,
    OLD_DELETED
  }

  /** Called after each step; a test's throws there, as a killed driver would stop. */
  interface AfterStep {
    AfterStep NONE = step -> {};

    void after(Step step) throws IOException;
  }

  private final FileSystem fs;
  private final Path output;
  private final String run;

  OutputCommit(FileSystem fs, Path output) {
    this.fs = fs;
    this.output = output;
    this.run = prefix(output) + UUID.randomUUID();
  }

  Path staging() {
    return sibling(run);
  }

  private Path aside() {
    return sibling(run + ASIDE);
  }

  private Path marker() {
    return sibling(run + MARKER);
  }

  /** Moves the staged output into place; the old output, if any, is deleted last. */
  void commit(AfterStep afterStep) throws IOException {
    fs.create(marker(), false).close();
    afterStep.after(Step.MARKED);
    boolean replacing = fs.exists(output);
    if (replacing) {
      rename(output, aside());
    }
    afterStep.after(Step.MOVED_ASIDE);
    fs.mkdirs(output.getParent());
    rename(staging(), output);
    afterStep.after(Step.MOVED_IN);
    if (replacing) {
      fs.delete(aside(), true);
    }
    afterStep.after(Step.OLD_DELETED);
    fs.delete(marker(), false);
  }

  /** Removes what this run staged; the old output is untouched. */
  void abort() throws IOException {
    fs.delete(staging(), true);
  }

  /**
   * Finishes or rolls back what earlier runs on {@code output} left beside it, and removes the
   * staging folders of runs that died before their commit. Returns what it did, for the log.
   */
  static List<String> recover(FileSystem fs, Path output) throws IOException {
    List<String> done = new ArrayList<>();
    if (output.getParent() == null || !fs.exists(output.getParent())) {
      return done;
    }
    String prefix = prefix(output);
    Map<String, List<String>> runs = new TreeMap<>();
    for (FileStatus entry : fs.listStatus(output.getParent())) {
      String name = entry.getPath().getName();
      if (name.startsWith(prefix)) {
        String rest = name.substring(prefix.length());
        String id = rest.replace(ASIDE, "").replace(MARKER, "");
        runs.computeIfAbsent(id, unused -> new ArrayList<>()).add(rest.substring(id.length()));
      }
    }
    for (Map.Entry<String, List<String>> entry : runs.entrySet()) {
      Path staging = new Path(output.getParent(), prefix + entry.getKey());
      Path aside = new Path(output.getParent(), prefix + entry.getKey() + ASIDE);
      boolean marked = entry.getValue().contains(MARKER);
      done.add(recoverRun(fs, output, staging, aside, marked));
      fs.delete(new Path(output.getParent(), prefix + entry.getKey() + MARKER), false);
    }
    return done;
  }

  private static String recoverRun(
      FileSystem fs, Path output, Path staging, Path aside, boolean marked) throws IOException {
    boolean complete = fs.exists(new Path(staging, "_SUCCESS"));
    if (!fs.exists(output) && fs.exists(aside)) {
      if (marked && complete) {
        rename(fs, staging, output);
        fs.delete(aside, true);
        return "finished a commit that stopped after moving the old output aside: " + output;
      }
      rename(fs, aside, output);
      fs.delete(staging, true);
      return "put back the old output a stopped commit had moved aside: " + output;
    }
    if (fs.exists(aside)) {
      fs.delete(aside, true);
      fs.delete(staging, true);
      return "deleted the old output a finished commit left aside: " + aside;
    }
    if (marked && complete && fs.exists(staging)) {
      Path moved = new Path(aside.toString());
      boolean replacing = fs.exists(output);
      if (replacing) {
        rename(fs, output, moved);
      }
      rename(fs, staging, output);
      if (replacing) {
        fs.delete(moved, true);
      }
      return "finished a commit that stopped before moving anything: " + output;
    }
    fs.delete(staging, true);
    return "removed the staging folder of a run that stopped before its commit: " + staging;
  }

  private void rename(Path from, Path to) throws IOException {
    rename(fs, from, to);
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename of " + from + " to " + to + " failed");
    }
  }

  private Path sibling(String name) {
    return new Path(output.getParent(), name);
  }

  private static String prefix(Path output) {
    return "." + output.getName() + ".torchbatch-";
  }
}
