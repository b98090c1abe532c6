package org.torchbatch.job.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.torchbatch.spark.testing.LocalFilesUnderScheme;

/**
 * Local files under the scheme {@code inproc://}, checksummed as {@code file://} is, whose
 * permissions are set in this process. Without Hadoop's native library (this machine has none)
 * {@code file://} forks a {@code chmod} for every file and folder it creates, so each task's output
 * costs several processes; HDFS and object stores create files with no process at all.
 */
public final class InProcessPermissions extends LocalFileSystem {
  private static final String SCHEME = "inproc";

  public InProcessPermissions() {
    super(new Raw());
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  /** The raw files beneath the checksums. */
  private static final class Raw extends LocalFilesUnderScheme {
    @Override
    protected String scheme() {
      return SCHEME;
    }

    @Override
    public void setPermission(Path path, FsPermission permission) throws IOException {
      Files.setPosixFilePermissions(
          pathToFile(path).toPath(),
          PosixFilePermissions.fromString(permission.toString().substring(0, 9)));
    }
  }
}
