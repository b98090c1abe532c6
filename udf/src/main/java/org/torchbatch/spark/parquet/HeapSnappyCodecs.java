package org.torchbatch.spark.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * parquet-mr's codecs, except that Snappy pages are decompressed from the chunk's bytes straight
 * into the page's array: parquet-mr's own Snappy path streams each page through two direct buffers
 * and back (three copies of every value before the reader sees it).
 */
final class HeapSnappyCodecs implements CompressionCodecFactory {
  private final CompressionCodecFactory others;
  private final BytesInputDecompressor snappy = new SnappyPages();

  HeapSnappyCodecs(CompressionCodecFactory others) {
    this.others = others;
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

  private static final class SnappyPages implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      ByteBuffer compressed = bytes.toByteBuffer();
      byte[] page = new byte[uncompressedSize];
      int size;
      if (compressed.hasArray()) {
        int from = compressed.arrayOffset() + compressed.position();
        size = Snappy.uncompress(compressed.array(), from, compressed.remaining(), page, 0);
      } else {
        byte[] copy = new byte[compressed.remaining()];
        compressed.get(copy);
        size = Snappy.uncompress(copy, 0, copy.length, page, 0);
      }
      if (size != uncompressedSize) {
        throw new IOException(
            "Snappy page of " + size + " bytes where its header says " + uncompressedSize);
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
  }
}
