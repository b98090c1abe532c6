package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/** Local files under the scheme {@code counted://}, counting the streams open on them. */
public final class CountedStorage extends RawLocalFileSystem {
  static final AtomicInteger OPEN = new AtomicInteger();
  private static final URI NAME = URI.create("counted:///");

  @Override
  public URI getUri() {
    return NAME;
  }

  @Override
  public String getScheme() {
    return NAME.getScheme();
  }

  @Override
  public FSDataInputStream open(Path file, int bufferSize) throws IOException {
    FSDataInputStream in = super.open(file, bufferSize);
    OPEN.incrementAndGet();
    return new FSDataInputStream(new Counted(in));
  }

  private static final class Counted extends FSInputStream {
    private final FSDataInputStream in;
    private boolean closed;

    Counted(FSDataInputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      return in.read(into, offset, length);
    }

    @Override
    public void seek(long position) throws IOException {
      in.seek(position);
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public boolean seekToNewSource(long target) {
      return false;
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        OPEN.decrementAndGet();
      }
      in.close();
    }
  }
}
