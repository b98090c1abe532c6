package org.torchbatch.spark.parquet;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.parquet.bytes.ByteBufferAllocator;
import org.apache.spark.network.util.JavaUtils;
import org.torchbatch.spark.ProcessState;
import org.torchbatch.spark.TorchbatchConf;

/**
 * Off-heap buffers for one file reader's column chunks and decompressed pages, taken from blocks
 * the executor keeps from reader to reader (as are {@link ChunkReadAhead}'s, through {@link #take}
 * and {@link #give}). New Java arrays and new native memory are zeroed (by the JVM, or by the
 * kernel on first touch); a kept block is not, and a direct buffer is read into with no staging
 * copy. Every block a reader takes goes back when the reader says its row group is done, or at
 * {@link #close}; the executor keeps at most {@link #KEPT_BYTES} of free blocks and frees the rest.
 * All blocks together, lent and kept, stay under the executor's limit ({@link
 * SplitOpener#OFF_HEAP_LIMIT}): past it a read fails naming the setting, where unbounded native
 * memory would have the container killed. {@link ReaderMetricsPlugin} reports them in the
 * executor's metrics.
 */
final class NativeBuffers implements ByteBufferAllocator, AutoCloseable {
  static final long DEFAULT_LIMIT =
      JavaUtils.byteStringAsBytes(TorchbatchConf.OFF_HEAP_LIMIT.defaultValue());
  static final long KEPT_BYTES = 256L << 20;
  private static final long BLOCK_ROUNDING = 1L << 20;
  private static final long SMALLEST_BLOCK = 64L << 10;
  // free blocks by size; shared by the executor's readers
  private static final TreeMap<Long, List<Long>> FREE = new TreeMap<>();
  private static long freeBytes;
  private static long lentBytes;
  private static long peakBytes;
  private static long limit = DEFAULT_LIMIT;

  static {
    ProcessState.register("torchbatch-parquet's kept off-heap blocks", NativeBuffers::freeKept);
  }

  // lent blocks by address (a buffer may come back as a slice of itself), chunks apart from pages
  private final Map<Long, long[]> chunks = new HashMap<>();
  private final Map<Long, long[]> pages = new HashMap<>();

  /** A direct buffer of {@code size} bytes for parquet-mr to read a column chunk into. */
  @Override
  public ByteBuffer allocate(int size) {
    return lend(chunks, size);
  }

  /** Gives back a chunk's buffer; any other buffer is ignored. */
  @Override
  public void release(ByteBuffer buffer) {
    giveBack(chunks, buffer);
  }

  /** A direct buffer of {@code size} bytes to decompress a page into. */
  ByteBuffer page(int size) {
    return lend(pages, size);
  }

  /** Gives back a page's buffer; any other buffer (array-backed, part of a chunk) is ignored. */
  void releasePage(ByteBuffer buffer) {
    giveBack(pages, buffer);
  }

  /** Pages' buffers as parquet-mr's allocator interface, for a page staged before it is read. */
  ByteBufferAllocator pageAllocator() {
    return new ByteBufferAllocator() {
      @Override
      public ByteBuffer allocate(int size) {
        return page(size);
      }

      @Override
      public void release(ByteBuffer buffer) {
        releasePage(buffer);
      }

      @Override
      public boolean isDirect() {
        return true;
      }
    };
  }

  // synchronized: parquet-mr may read chunks on other threads
  private synchronized ByteBuffer lend(Map<Long, long[]> lent, int size) {
    long[] block = take(size);
    lent.put(block[0], block);
    return MemoryUtil.directBuffer(block[0], size);
  }

  private synchronized void giveBack(Map<Long, long[]> lent, ByteBuffer buffer) {
    if (buffer.isDirect()) {
      long[] block = lent.remove(MemoryUtil.getByteBufferAddress(buffer));
      if (block != null) {
        give(block);
      }
    }
  }

  @Override
  public boolean isDirect() {
    return true;
  }

  /** Gives back every buffer this reader still holds: its row group is done. */
  synchronized void releaseAll() {
    for (Map<Long, long[]> lent : List.of(chunks, pages)) {
      for (long[] block : new ArrayList<>(lent.values())) {
        give(block);
      }
      lent.clear();
    }
  }

  /** Buffers lent and not given back, for tests. */
  synchronized int lentCount() {
    return chunks.size() + pages.size();
  }

  @Override
  public void close() {
    releaseAll();
  }

  /** Frees the blocks kept for the next reader (blocks readers hold are theirs to give back). */
  static synchronized void freeKept() {
    FREE.values().forEach(addresses -> addresses.forEach(MemoryUtil::freeMemory));
    FREE.clear();
    freeBytes = 0;
  }

  /** Bytes of free blocks the executor keeps. */
  static synchronized long keptBytes() {
    return freeBytes;
  }

  /** Bytes of blocks the executor's readers hold now. */
  static synchronized long lentBytes() {
    return lentBytes;
  }

  /** The most bytes of blocks, lent and kept, the executor has held at once. */
  static synchronized long peakBytes() {
    return peakBytes;
  }

  /** Sets the executor's limit, from the configuration of the reader being opened. */
  static synchronized void limit(long bytes) {
    limit = bytes;
  }

  /**
   * {address, size} of a free block of at least {@code size} bytes and at most twice that (a page
   * must not hold on to a chunk's block), or of a new one.
   */
  static synchronized long[] take(int size) {
    Map.Entry<Long, List<Long>> fit = FREE.ceilingEntry((long) size);
    if (fit != null && fit.getKey() <= 2L * size + BLOCK_ROUNDING) {
      long blockSize = fit.getKey();
      List<Long> addresses = fit.getValue();
      long address = addresses.remove(addresses.size() - 1);
      if (addresses.isEmpty()) {
        FREE.remove(blockSize);
      }
      freeBytes -= blockSize;
      lentBytes += blockSize;
      return new long[] {address, blockSize};
    }
    long blockSize = newBlockSize(size);
    // kept blocks make room for a new one before the limit refuses it
    while (lentBytes + freeBytes + blockSize > limit && !FREE.isEmpty()) {
      Map.Entry<Long, List<Long>> largest = FREE.lastEntry();
      List<Long> addresses = largest.getValue();
      MemoryUtil.freeMemory(addresses.remove(addresses.size() - 1));
      if (addresses.isEmpty()) {
        FREE.remove(largest.getKey());
      }
      freeBytes -= largest.getKey();
    }
    if (lentBytes + blockSize > limit) {
      throw new IllegalStateException(
          String.format(
              "torchbatch-parquet's readers in this executor would hold %d bytes off the heap, over"
                  + " %s (%d): lower spark.torchbatch.parquet.readAhead or the executor's cores,"
                  + " raise %s, or read with Spark's reader (format parquet)",
              lentBytes + blockSize,
              SplitOpener.OFF_HEAP_LIMIT,
              limit,
              SplitOpener.OFF_HEAP_LIMIT));
    }
    long address = MemoryUtil.allocateMemory(blockSize);
    lentBytes += blockSize;
    peakBytes = Math.max(peakBytes, lentBytes + freeBytes);
    return new long[] {address, blockSize};
  }

  /**
   * The size of a new block for {@code size} bytes: whole MiB, or under 1 MiB a power of two from
   * 64 KiB, so a small column's read-ahead blocks stay small.
   */
  static long newBlockSize(int size) {
    return size <= BLOCK_ROUNDING
        ? Math.max(SMALLEST_BLOCK, Long.highestOneBit(Math.max(1, size - 1)) << 1)
        : (size + BLOCK_ROUNDING - 1) / BLOCK_ROUNDING * BLOCK_ROUNDING;
  }

  static synchronized void give(long[] block) {
    lentBytes -= block[1];
    if (freeBytes + block[1] > KEPT_BYTES) {
      MemoryUtil.freeMemory(block[0]);
      return;
    }
    FREE.computeIfAbsent(block[1], s -> new ArrayList<>()).add(block[0]);
    freeBytes += block[1];
  }
}
