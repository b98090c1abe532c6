package org.torchbatch.spark.parquet;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.spark.unsafe.Platform;

/**
 * The bytes of one column's chunks in a file split, in order, read by a helper thread up to a few
 * blocks ahead of the pages the task decodes from them, so the file's reads overlap the task's
 * decoding and model runs (parquet-mr reads a row group's chunks whole before its first page). A
 * block never spans two chunks. Its blocks, taken from those the executor keeps ({@link
 * NativeBuffers}), go back when both the task and the helper have let go, so {@link #close} never
 * waits on a slow read.
 */
final class ChunkReadAhead implements Closeable {
  static final int BLOCKS = 4;
  private static final AtomicLong HELD = new AtomicLong();
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService HELPERS =
      Executors.newCachedThreadPool(
          task -> {
            Thread thread =
                new Thread(task, "torchbatch-parquet-read-ahead-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });

  private final String path;
  // {address, size} of each block, from and back to the executor's kept blocks
  private final long[][] blocks;
  private final int blockSize;
  private final BlockingQueue<Long> free;
  // one slot more than blocks, so the helper always has room to report a failure or the end
  private final BlockingQueue<Block> filled;
  private final AtomicInteger holders = new AtomicInteger(2);
  private final AtomicBoolean started = new AtomicBoolean();
  private final Future<?> helper;
  private volatile boolean closed;
  private Block current;
  private int position;

  private record Block(long address, int length, Throwable failure) {}

  /**
   * Starts reading {@code chunks} ({start, length} each, in file order) of {@code file}, named
   * {@code path} in errors, in blocks of at most {@code aheadBytes / BLOCKS}.
   */
  ChunkReadAhead(InputFile file, String path, long[][] chunks, long aheadBytes) {
    this.path = path;
    long largest = 1;
    long total = 0;
    for (long[] chunk : chunks) {
      largest = Math.max(largest, chunk[1]);
      total += chunk[1];
    }
    this.blockSize = (int) Math.min(Math.max(1, aheadBytes / BLOCKS), largest);
    int count = (int) Math.max(1, Math.min(BLOCKS, (total + blockSize - 1) / blockSize));
    this.blocks = new long[count][];
    this.free = new ArrayBlockingQueue<>(count);
    this.filled = new ArrayBlockingQueue<>(count + 1);
    try {
      for (int i = 0; i < count; i++) {
        blocks[i] = NativeBuffers.take(blockSize);
        HELD.addAndGet(blocks[i][1]);
        free.add(blocks[i][0]);
      }
      this.helper = HELPERS.submit(() -> fill(file, chunks));
    } catch (RuntimeException | Error e) {
      freeBlocks();
      throw e;
    }
  }

  /** Native bytes all read-aheads hold now, for tests. */
  static long heldBytes() {
    return HELD.get();
  }

  private void fill(InputFile file, long[][] chunks) {
    if (!started.compareAndSet(false, true)) {
      return; // closed before this ran: the blocks were freed without it
    }
    try (SeekableInputStream in = file.newStream()) {
      for (long[] chunk : chunks) {
        in.seek(chunk[0]);
        for (long left = chunk[1]; left > 0; ) {
          long address = free.take();
          if (closed) {
            return;
          }
          int length = (int) Math.min(blockSize, left);
          in.readFully(MemoryUtil.directBuffer(address, length));
          filled.put(new Block(address, length, null));
          left -= length;
        }
      }
      // a damaged page header or size can ask for bytes past the last chunk: that fails, not waits
      filled.offer(
          new Block(
              0,
              0,
              new EOFException(
                  "the pages ask for bytes past the end of the column's chunks (a damaged page"
                      + " header or size)")));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      if (!closed) {
        filled.offer(new Block(0, 0, e));
      }
    } catch (Exception | Error e) {
      // every failure reaches the task, which else would wait for a block forever
      filled.offer(new Block(0, 0, e));
    } finally {
      letGo();
    }
  }

  /**
   * The next {@code length} bytes: where they lie in one block, a view of it valid until the next
   * call; else copied into a page buffer of {@code buffers}, which the caller gives back.
   */
  ByteBuffer next(int length, NativeBuffers buffers) throws IOException {
    if (length == 0) {
      return ByteBuffer.allocate(0);
    }
    if (remaining() >= length) {
      ByteBuffer view = MemoryUtil.directBuffer(current.address() + position, length);
      position += length;
      return view;
    }
    ByteBuffer staged = buffers.page(length);
    long to = MemoryUtil.getByteBufferAddress(staged);
    for (int done = 0; done < length; ) {
      done += copyOut(null, to + done, length - done);
    }
    return staged;
  }

  /**
   * Copies up to {@code most} of the next bytes, no further than the current block's end, to {@code
   * address} of {@code base} (as Platform addresses memory); returns how many.
   */
  private int copyOut(Object base, long address, int most) throws IOException {
    int n = Math.min(remaining(), most);
    Platform.copyMemory(null, current.address() + position, base, address, n);
    position += n;
    return n;
  }

  /**
   * A stream over at most the next {@code limit} bytes (a page header, which must not run past its
   * chunk); {@link CountedStream#count} says how many it read.
   */
  CountedStream stream(long limit) {
    return new CountedStream(limit);
  }

  final class CountedStream extends InputStream {
    private final long limit;
    private long count;

    private CountedStream(long limit) {
      this.limit = limit;
    }

    long count() {
      return count;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      if (count == limit) {
        return -1;
      }
      int n =
          copyOut(into, Platform.BYTE_ARRAY_OFFSET + offset, (int) Math.min(length, limit - count));
      count += n;
      return n;
    }
  }

  /** Bytes left in the current block, taking the next block first if this one is used up. */
  private int remaining() throws IOException {
    if (current == null || position == current.length()) {
      if (current != null) {
        free.add(current.address());
        current = null;
      }
      Block next;
      try {
        next = filled.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading " + path);
      }
      if (next.failure() != null) {
        filled.add(next); // every later call fails the same way
        throw new IOException(
            "Cannot read " + path + ": " + next.failure().getMessage(), next.failure());
      }
      current = next;
      position = 0;
    }
    return current.length() - position;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (started.compareAndSet(false, true)) {
      letGo(); // the helper never ran, and now never touches the blocks: let go for it
    }
    helper.cancel(true);
    letGo();
  }

  private void letGo() {
    if (holders.decrementAndGet() == 0) {
      freeBlocks();
    }
  }

  private void freeBlocks() {
    for (long[] block : blocks) {
      if (block != null) {
        NativeBuffers.give(block);
        HELD.addAndGet(-block[1]);
      }
    }
  }
}
