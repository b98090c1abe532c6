package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * parquet-mr's codecs, except that a Snappy page is decompressed in one step from the chunk's bytes
 * into the page's buffer (off the heap, from the reader's {@link NativeBuffers}, when the chunk
 * is): parquet-mr's own Snappy path streams each page through two direct buffers and back.
 */
final class SnappyPageCodecs implements CompressionCodecFactory {
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

  @Override
  public void release() {
    others.release();
  }

  private record SnappyPages(NativeBuffers buffers) implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      ByteBuffer compressed = bytes.toByteBuffer();
      if (compressed.isDirect()) {
        ByteBuffer page = buffers.page(uncompressedSize);
        check(Snappy.uncompress(compressed, page), uncompressedSize);
        return BytesInput.from(page);
      }
      byte[] page = new byte[uncompressedSize];
      if (compressed.hasArray()) {
        int from = compressed.arrayOffset() + compressed.position();
        check(
            Snappy.uncompress(compressed.array(), from, compressed.remaining(), page, 0),
            page.length);
      } else {
        byte[] copy = new byte[compressed.remaining()];
        compressed.get(copy);
        check(Snappy.uncompress(copy, 0, copy.length, page, 0), page.length);
      }
      return BytesInput.from(page);
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int size)
        throws IOException {
      ByteBuffer in = input.duplicate();
      in.limit(in.position() + compressedSize);
      byte[] copy = new byte[compressedSize];
      in.get(copy);
      byte[] page = decompress(BytesInput.from(copy), size).toByteArray();
      output.put(page);
    }

    @Override
    public void release() {}

    private static void check(int size, int expected) throws IOException {
      if (size != expected) {
        throw new IOException(
            "Snappy page of " + size + " bytes where its header says " + expected);
      }
    }
  }
}
