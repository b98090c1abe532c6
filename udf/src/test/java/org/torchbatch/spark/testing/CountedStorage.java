package org.torchbatch.spark.testing;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

/** Local files under the scheme {@code counted://}, counting the streams open on them. */
public final class CountedStorage extends LocalFilesUnderScheme {
  private static final AtomicInteger OPEN = new AtomicInteger();

  @Override
  protected String scheme() {
    return "counted";
  }

  /** Streams opened and not yet closed, over every instance. */
  public static int openStreams() {
    return OPEN.get();
  }

  public static void forgetStreams() {
    OPEN.set(0);
  }

  @Override
  public FSDataInputStream open(Path file, int bufferSize) throws IOException {
    FSDataInputStream in = super.open(file, bufferSize);
    OPEN.incrementAndGet();
    return new FSDataInputStream(in) {
      private boolean closed;

      @Override
      public void close() throws IOException {
        if (!closed) {
          closed = true;
          OPEN.decrementAndGet();
        }
        super.close();
      }
    };
  }
}
