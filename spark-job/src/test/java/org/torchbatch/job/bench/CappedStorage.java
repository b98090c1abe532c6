package org.torchbatch.job.bench;

import java.io.IOException;
import java.io.InterruptedIOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.Path;
import org.torchbatch.spark.testing.LocalFilesUnderScheme;

/**
 * Local files under the scheme {@code capped://}, each open stream read at no more than {@code
 * fs.capped.bytes-per-second}: storage that takes time but no CPU of this machine, as a remote
 * store's reads do (their bandwidth per stream, not this VM's disk, sets the pace).
 */
public final class CappedStorage extends LocalFilesUnderScheme {
  static final String RATE = "fs.capped.bytes-per-second";

  @Override
  protected String scheme() {
    return "capped";
  }

  @Override
  public FSDataInputStream open(Path file, int bufferSize) throws IOException {
    return new FSDataInputStream(
        new Capped(super.open(file, bufferSize), getConf().getLongBytes(RATE, 100L << 20)));
  }

  /** A stream that sleeps after each read until its bytes so far fit its rate. */
  private static final class Capped extends FSInputStream {
    private final FSDataInputStream in;
    private final double bytesPerNano;
    private final long begin = System.nanoTime();
    private long bytes;

    Capped(FSDataInputStream in, long bytesPerSecond) {
      this.in = in;
      this.bytesPerNano = bytesPerSecond / 1e9;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      pace(b < 0 ? 0 : 1);
      return b;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      int n = in.read(into, offset, length);
      pace(Math.max(n, 0));
      return n;
    }

    private void pace(int n) throws IOException {
      bytes += n;
      long due = begin + (long) (bytes / bytesPerNano) - System.nanoTime();
      if (due > 0) {
        try {
          Thread.sleep(due / 1_000_000, (int) (due % 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading");
        }
      }
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
      in.close();
    }
  }
}
