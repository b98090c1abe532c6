package org.torchbatch.job.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Samples land in the group of their deepest frame that names one. */
class CpuProfileTest {
  @Test
  void deepestNamedFrameDecidesTheGroup() {
    CpuProfile profile =
        CpuProfile.parse(
            List.of(
                "Thread.run;FileFormatDataWriter.writeWithIterator;org/torchbatch/spark/PredictPartition.x;"
                    + "org/torchbatch/runtime/engine/ModelRunner.invoke;PyTorchLibrary.moduleRunMethod;"
                    + "mkl_sgemm 7",
                "Thread.run;org/torchbatch/spark/PredictPartition.x;"
                    + "parquet/VectorizedParquetRecordReader.nextBatch;memset 3",
                "Thread.run;org/torchbatch/spark/SparkColumns.copyArrays;memcpy 2",
                "Thread.run;org/torchbatch/spark/PredictPartition.x;"
                    + "org/torchbatch/spark/parquet/ColumnCursor.readLists;copyMemory 8",
                "Thread.run;SingleDirectoryDataWriter.write;ParquetOutputWriter.write;snappy 4",
                "start_thread;CompileBroker::compiler_thread_loop;C2Compiler 5",
                "start_thread;GangWorker::run;G1ParTask 1",
                "Thread.run;EventLoop.run 6"),
            0.01);
    assertThat(profile.samples())
        .containsEntry(CpuProfile.MODEL, 7L)
        .containsEntry(CpuProfile.READ, 11L)
        .containsEntry(CpuProfile.OURS, 2L)
        .containsEntry(CpuProfile.WRITE, 4L)
        .containsEntry(CpuProfile.JIT, 5L)
        .containsEntry(CpuProfile.GC, 1L)
        .containsEntry(CpuProfile.OTHER, 6L);
    assertThat(profile.total()).isEqualTo(36);
  }
}
