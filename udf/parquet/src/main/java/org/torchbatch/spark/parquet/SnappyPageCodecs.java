package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.ByteBufferReleaser;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * parquet-mr's codecs, except that a Snappy page is decompressed in one step from the chunk's bytes
 * into the page's buffer, off the heap in the reader's {@link NativeBuffers}: parquet-mr's own
 * Snappy path streams each page through two direct buffers and back.
 */
final class SnappyPageCodecs implements CompressionCodecFactory, AutoCloseable {
  private final CompressionCodecFactory others;
  private final BytesInputDecompressor snappy;

  SnappyPageCodecs(CompressionCodecFactory others, NativeBuffers buffers) {
    this.others = others;
    this.snappy = new SnappyPages(buffers);
  }

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return others.getCompressor(codec);
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return codec == CompressionCodecName.SNAPPY ? snappy : others.getDecompressor(codec);
  }

  // parquet-mr's reader releases its factory when it closes, but the read-aheads outlive it
  @Override
  public void release() {}

  /** Gives parquet-mr's decompressors back; called by the split's reader when it closes. */
  @Override
  public void close() {
    others.release();
  }

  private record SnappyPages(NativeBuffers buffers) implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      // a page that spans two of the chunk's read buffers is staged in one block of ours, not
      // copied into a new Java array (which the JVM zeroes first)
      try (ByteBufferReleaser staging = new ByteBufferReleaser(buffers.pageAllocator())) {
        ByteBuffer compressed = bytes.toByteBuffer(staging);
        check(uncompressedLength(compressed), uncompressedSize);
        ByteBuffer page = buffers.page(uncompressedSize);
        check(Snappy.uncompress(compressed, page), uncompressedSize);
        return BytesInput.from(page);
      }
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int size)
        throws IOException {
      byte[] compressed = new byte[compressedSize];
      input.duplicate().get(compressed);
      check(Snappy.uncompressedLength(compressed, 0, compressedSize), size);
      byte[] page = new byte[size];
      check(Snappy.uncompress(compressed, 0, compressedSize, page, 0), size);
      output.put(page);
    }

    @Override
    public void release() {}

    /**
     * The size the compressed bytes say they inflate to, read before anything is written: the
     * native decompressor trusts its output buffer to hold that many.
     */
    private static int uncompressedLength(ByteBuffer compressed) throws IOException {
      if (compressed.isDirect()) {
        return Snappy.uncompressedLength(compressed);
      }
      return Snappy.uncompressedLength(
          compressed.array(),
          compressed.arrayOffset() + compressed.position(),
          compressed.remaining());
    }

    private static void check(int size, int expected) throws IOException {
      if (size != expected) {
        throw new IOException(
            "Snappy page of " + size + " bytes where its header says " + expected);
      }
    }
  }
}
