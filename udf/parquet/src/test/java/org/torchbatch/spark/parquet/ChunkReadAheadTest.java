package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.io.InputFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A column's chunks arrive in order, whole, across blocks, and every block is freed. */
class ChunkReadAheadTest {
  private static final int SIZE = 100_000;
  @TempDir Path dir;

  @AfterEach
  void everyBlockIsFreed() throws InterruptedException {
    // the helper thread lets go of its blocks when it ends, which may follow close by a moment
    for (int wait = 0; wait < 500 && ChunkReadAhead.heldBytes() != 0; wait++) {
      Thread.sleep(10);
    }
    assertThat(ChunkReadAhead.heldBytes()).isZero();
  }

  @Test
  void bytesComeInChunkOrderAcrossBlocks() throws IOException {
    InputFile file = file();
    // blocks of 1000 bytes: reads of 700 and 1500 bytes start in one block and end in another
    try (NativeBuffers buffers = new NativeBuffers();
        var ahead =
            new ChunkReadAhead(file, "f", new long[][] {{10, 30_000}, {50_000, 20_000}}, 4000)) {
      long position = 10;
      for (int length : new int[] {700, 700, 1500, 1, 0, 27_099}) {
        assertRead(ahead.next(length, buffers), position);
        position += length;
      }
      position = 50_000;
      var header = ahead.stream(40);
      byte[] first = header.readAllBytes();
      assertThat(header.count()).isEqualTo(40);
      assertThat(first[39]).isEqualTo(valueAt(position + 39));
      assertRead(ahead.next(19_960, buffers), position + 40);
    }
  }

  @Test
  void aReadPastTheFileNamesTheFile() throws IOException {
    try (NativeBuffers buffers = new NativeBuffers();
        var ahead =
            new ChunkReadAhead(file(), "/data/f.parquet", new long[][] {{90_000, 20_000}}, 4000)) {
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 20; i++) {
                  ahead.next(1000, buffers);
                }
              })
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Cannot read /data/f.parquet");
      // and again, rather than waiting for bytes that will never come
      assertThatThrownBy(() -> ahead.next(1, buffers)).isInstanceOf(IOException.class);
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void readingPastTheLastChunkFailsInsteadOfWaiting() throws IOException {
    try (NativeBuffers buffers = new NativeBuffers();
        var ahead =
            new ChunkReadAhead(file(), "/data/f.parquet", new long[][] {{10, 3000}}, 4000)) {
      ahead.next(3000, buffers);
      assertThatThrownBy(() -> ahead.stream(100).readAllBytes())
          .isInstanceOf(IOException.class)
          .hasMessageContaining("past the end of the column's chunks");
    }
  }

  @Test
  @org.junit.jupiter.api.Timeout(30)
  void anErrorInTheHelperReachesTheTaskInsteadOfAWaitForever() throws IOException {
    InputFile failing =
        new InputFile() {
          @Override
          public long getLength() {
            return SIZE;
          }

          @Override
          public org.apache.parquet.io.SeekableInputStream newStream() {
            throw new InternalError("the storage client broke");
          }
        };
    try (NativeBuffers buffers = new NativeBuffers();
        var ahead = new ChunkReadAhead(failing, "/data/f.parquet", new long[][] {{0, 10}}, 4000)) {
      assertThatThrownBy(() -> ahead.next(10, buffers))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("Cannot read /data/f.parquet: the storage client broke")
          .hasCauseInstanceOf(InternalError.class);
    }
  }

  @Test
  void closingBeforeTheEndStopsTheHelper() throws IOException {
    var ahead = new ChunkReadAhead(file(), "f", new long[][] {{0, SIZE}}, 4000);
    try (NativeBuffers buffers = new NativeBuffers()) {
      assertRead(ahead.next(10, buffers), 0);
    }
    ahead.close();
    ahead.close();
  }

  private InputFile file() throws IOException {
    byte[] bytes = new byte[SIZE];
    for (int i = 0; i < SIZE; i++) {
      bytes[i] = valueAt(i);
    }
    Path path = Files.write(dir.resolve("bytes"), bytes);
    return HadoopInputFile.fromPath(
        new org.apache.hadoop.fs.Path(path.toUri()), new Configuration());
  }

  private static byte valueAt(long position) {
    return (byte) (position % 251);
  }

  private static void assertRead(ByteBuffer read, long position) {
    assertThat(read.isDirect() || read.remaining() == 0).isTrue();
    for (int i = 0; i < read.remaining(); i++) {
      assertThat(read.get(read.position() + i)).isEqualTo(valueAt(position + i));
    }
  }
}
