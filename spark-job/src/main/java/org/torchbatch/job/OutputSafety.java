package org.torchbatch.job;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.torchbatch.runtime.cli.ExitCodes;

/**
 * Refuses, before any work, an output the run would destroy or pollute: a filesystem or bucket
 * root, the warehouse, or a path that equals, contains or lies inside what the job reads (Spark's
 * own "Cannot overwrite a path that is also being read from" is the precedent). Each path is
 * qualified by its own filesystem, and local ones are compared with their symlinks resolved.
 */
final class OutputSafety {
  /** Object stores: a rename copies every file, so no commit there is atomic. */
  static final Set<String> OBJECT_STORES =
      Set.of("s3", "s3a", "s3n", "gs", "abfs", "abfss", "wasb", "wasbs", "oss", "cosn", "obs");

  private OutputSafety() {}

  /**
   * @param inputs the input's folders and files as Spark resolved them (glob matches, a table's
   *     location, every file it reads)
   */
  static void check(Configuration conf, Path output, Collection<Path> inputs, Path warehouse) {
    if (output.getParent() == null || output.toUri().getPath().isEmpty()) {
      throw refuse("Output " + output + " is a filesystem or bucket root: write to a folder in it");
    }
    Path real = resolved(conf, output);
    for (Path input : inputs) {
      Path in = resolved(conf, input);
      if (isWithin(in, real) || isWithin(real, in)) {
        throw refuse(
            "Output "
                + output
                + (in.equals(real) ? " is " : isWithin(in, real) ? " contains " : " lies inside ")
                + "the input "
                + input
                + ": the run would overwrite or add to what it reads; choose an --output outside"
                + " the input");
      }
    }
    if (warehouse != null && isWithin(resolved(conf, warehouse), real)) {
      throw refuse(
          "Output "
              + output
              + " is or contains the warehouse "
              + warehouse
              + ": choose a folder of its own");
    }
  }

  /** Whether {@code path} is {@code folder} or below it. */
  static boolean isWithin(Path path, Path folder) {
    for (Path at = path; at != null; at = at.getParent()) {
      if (at.equals(folder)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The qualified path; a local one with its symlinks resolved (as far as it exists, the rest
   * appended), so a link to the input is seen as the input.
   */
  static Path resolved(Configuration conf, Path path) {
    FileSystem fs;
    try {
      fs = path.getFileSystem(conf);
    } catch (IOException e) {
      return path;
    }
    Path qualified = fs.makeQualified(path);
    URI uri = qualified.toUri();
    if (!"file".equals(uri.getScheme())) {
      return qualified;
    }
    java.nio.file.Path local = java.nio.file.Path.of(uri);
    List<String> missing = new ArrayList<>();
    while (local != null && !Files.exists(local, LinkOption.NOFOLLOW_LINKS)) {
      missing.add(0, local.getFileName().toString());
      local = local.getParent();
    }
    try {
      java.nio.file.Path real = local == null ? java.nio.file.Path.of("/") : local.toRealPath();
      for (String name : missing) {
        real = real.resolve(name);
      }
      return fs.makeQualified(new Path("file", null, real.toString()));
    } catch (IOException e) {
      return qualified;
    }
  }

  private static JobException refuse(String message) {
    return new JobException(ExitCodes.USAGE, message);
  }
}
