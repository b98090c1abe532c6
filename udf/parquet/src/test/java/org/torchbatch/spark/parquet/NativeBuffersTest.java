package org.torchbatch.spark.parquet;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.torchbatch.spark.ProcessState;
import org.torchbatch.spark.testing.SparkTestBase;

/** Readers take their chunk and page buffers from blocks the executor keeps, and give all back. */
class NativeBuffersTest extends SparkTestBase {
  @TempDir Path dir;

  @Test
  void aBlockGivenBackIsLentAgain() {
    try (NativeBuffers first = new NativeBuffers();
        NativeBuffers second = new NativeBuffers()) {
      ByteBuffer page = first.page(700_000);
      long address = MemoryUtil.getByteBufferAddress(page);
      assertThat(page.isDirect()).isTrue();
      assertThat(page.capacity()).isEqualTo(700_000);
      // a slice of it, as parquet-mr hands pages on, gives the block back too
      first.releasePage(page.slice());
      assertThat(first.lentCount()).isZero();

      ByteBuffer again = second.page(600_000);
      assertThat(MemoryUtil.getByteBufferAddress(again)).isEqualTo(address);
      ByteBuffer chunk = second.allocate(3_000_000);
      // a page's release never gives back a chunk, nor a buffer that was not lent
      second.releasePage(chunk);
      second.release(ByteBuffer.allocate(10));
      assertThat(second.lentCount()).isEqualTo(2);
    }
    assertThat(NativeBuffers.keptBytes())
        .isPositive()
        .isLessThanOrEqualTo(NativeBuffers.KEPT_BYTES);
    ProcessState.release();
    assertThat(NativeBuffers.keptBytes()).as("kept blocks freed with the JVM's state").isZero();
  }

  @Test
  void newBlocksAreWholeMegabytesOrSmallPowersOfTwo() {
    assertThat(NativeBuffers.newBlockSize(1)).isEqualTo(64 << 10);
    assertThat(NativeBuffers.newBlockSize(65_536)).isEqualTo(64 << 10);
    assertThat(NativeBuffers.newBlockSize(65_537)).isEqualTo(128 << 10);
    assertThat(NativeBuffers.newBlockSize(700_000)).isEqualTo(1 << 20);
    assertThat(NativeBuffers.newBlockSize((1 << 20) + 1)).isEqualTo(2 << 20);
    assertThat(NativeBuffers.newBlockSize(5_000_000)).isEqualTo(5 << 20);
  }

  @Test
  void objectStoresKeepVectoredReadsUnlessTheConfSaysOtherwise() {
    var conf = new org.apache.hadoop.conf.Configuration(false);
    assertThat(SplitOpener.vectoredReads(conf, new org.apache.hadoop.fs.Path("s3a://b/f")))
        .isTrue();
    assertThat(SplitOpener.vectoredReads(conf, new org.apache.hadoop.fs.Path("hdfs://n/f")))
        .isFalse();
    assertThat(SplitOpener.vectoredReads(conf, new org.apache.hadoop.fs.Path("file:/f"))).isFalse();
    conf.set("parquet.hadoop.vectored.io.enabled", "true");
    assertThat(SplitOpener.vectoredReads(conf, new org.apache.hadoop.fs.Path("file:/f"))).isTrue();
  }

  @Test
  void aReaderGivesBackEveryBufferAtTheEndOfEachRowGroup()
      throws IOException, InterruptedException {
    Path folder = dir.resolve("snappy");
    spark
        .sql(
            "SELECT transform(sequence(0, 63), i -> CAST(id * i AS FLOAT)) AS features"
                + " FROM range(0, 20000, 1, 1)")
        .write()
        .option("parquet.block.size", "1000000")
        .option("parquet.page.size", "100000")
        .parquet(folder.toString());
    Path file;
    try (Stream<Path> files = Files.list(folder)) {
      file = files.filter(f -> f.toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    var conf = new org.apache.hadoop.conf.Configuration(spark.sparkContext().hadoopConfiguration());
    var streamed = read(conf, file);
    conf.set(SplitOpener.READ_AHEAD, "0");
    var blocks = read(conf, file);
    conf.set("parquet.hadoop.vectored.io.enabled", "true");
    var vectored = read(conf, file);

    // read ahead: the page being read; its blocks are the read-ahead's own, freed at close
    assertThat(streamed.mostLent()).isBetween(0, 1);
    assertThat(streamed.lentAtEnd()).isZero();
    assertThat(streamed.rows()).isEqualTo(20000);
    assertThat(streamed.sum()).isEqualTo(blocks.sum());
    for (int wait = 0; wait < 500 && ChunkReadAhead.heldBytes() != 0; wait++) {
      Thread.sleep(10);
    }
    assertThat(ChunkReadAhead.heldBytes()).isZero();
    // read whole
    assertThat(blocks.rows()).isEqualTo(20000);
    // the chunk and the page being read, not one buffer per page read
    assertThat(blocks.mostLent()).isBetween(1, 3);
    assertThat(blocks.lentAtEnd()).isZero();
    // heap chunks, read as Spark's reader reads them: a page is staged off the heap to be read
    assertThat(vectored.mostLent()).isBetween(1, 3);
    assertThat(vectored.lentAtEnd()).isZero();
    assertThat(vectored.rows()).isEqualTo(20000);
    assertThat(vectored.sum()).isEqualTo(blocks.sum());
  }

  private record Read(long rows, double sum, int mostLent, int lentAtEnd) {}

  private static Read read(org.apache.hadoop.conf.Configuration conf, Path file)
      throws IOException {
    StructType required =
        new StructType()
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false);
    double[] sum = {0};
    int[] mostLent = {0};
    ParquetSplitBatches batches = Splits.open(conf, file, required);
    long rows;
    try {
      rows =
          Splits.drain(
              batches,
              batch -> {
                for (int r = 0; r < batch.numRows(); r++) {
                  for (float v : batch.column(0).getArray(r).toFloatArray()) {
                    sum[0] += v;
                  }
                }
                mostLent[0] = Math.max(mostLent[0], batches.lentBuffers());
              });
    } finally {
      batches.close();
    }
    return new Read(rows, sum[0], mostLent[0], batches.lentBuffers());
  }
}
