package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopCodecs;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/** A page whose header lies about its size is refused before the native code writes anything. */
class SnappyPageCodecsTest {
  private static final byte[] PAGE = new byte[10_000];

  static {
    for (int i = 0; i < PAGE.length; i++) {
      PAGE[i] = (byte) (i * 31 % 251);
    }
  }

  @Test
  void aPageIsDecompressedIntoABufferOfItsSize() throws IOException {
    try (NativeBuffers buffers = new NativeBuffers();
        var codecs =
            new SnappyPageCodecs(HadoopCodecs.newFactory(new Configuration(), 0), buffers)) {
      BytesInput page =
          codecs
              .getDecompressor(CompressionCodecName.SNAPPY)
              .decompress(BytesInput.from(Snappy.compress(PAGE)), PAGE.length);
      assertThat(page.toByteArray()).isEqualTo(PAGE);
    }
  }

  @Test
  void aHeaderSizeSmallerThanTheDataIsRefusedBeforeDecompressing() throws IOException {
    byte[] compressed = Snappy.compress(PAGE);
    try (NativeBuffers buffers = new NativeBuffers();
        var codecs =
            new SnappyPageCodecs(HadoopCodecs.newFactory(new Configuration(), 0), buffers)) {
      var snappy = codecs.getDecompressor(CompressionCodecName.SNAPPY);
      assertThatThrownBy(() -> snappy.decompress(BytesInput.from(compressed), 100))
          .isInstanceOf(IOException.class)
          .hasMessage("Snappy page of 10000 bytes where its header says 100");
      ByteBuffer output = ByteBuffer.allocate(100);
      assertThatThrownBy(
              () -> snappy.decompress(ByteBuffer.wrap(compressed), compressed.length, output, 100))
          .hasMessage("Snappy page of 10000 bytes where its header says 100");
      assertThat(output.position()).isZero();
    }
  }
}
