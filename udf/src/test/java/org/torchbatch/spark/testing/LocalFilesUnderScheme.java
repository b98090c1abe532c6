package org.torchbatch.spark.testing;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Local files under a scheme of their own ({@code fs.<scheme>.impl}), so that a test or a benchmark
 * can change how they are read or written without touching {@code file://}.
 */
public abstract class LocalFilesUnderScheme extends RawLocalFileSystem {
  /** The scheme: a constant, since RawLocalFileSystem's constructor already asks for it. */
  protected abstract String scheme();

  @Override
  public URI getUri() {
    return URI.create(scheme() + ":///");
  }

  @Override
  public String getScheme() {
    return scheme();
  }
}
