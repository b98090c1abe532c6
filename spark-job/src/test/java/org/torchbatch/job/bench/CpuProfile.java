package org.torchbatch.job.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import one.profiler.AsyncProfiler;

/**
 * Where one run's CPU goes, from async-profiler's samples of every thread (Java and native frames,
 * libtorch's included): each sample is put in the group of the deepest frame that names one, so a
 * Parquet decode called from our operator counts as the read, not as torchbatch.
 */
record CpuProfile(Map<String, Long> samples, double intervalSeconds) {
  static final String MODEL = "model (libtorch)";
  static final String OURS = "torchbatch (conversions, batching)";
  static final String READ = "Parquet read (decode, decompress, file I/O)";
  static final String WRITE = "Parquet write (encode, compress)";
  static final String JIT = "JIT compiler";
  static final String GC = "garbage collector";
  static final String OTHER = "other (scheduling, projection, driver)";

  private static final List<Map.Entry<String, String>> GROUPS =
      List.of(
          Map.entry("moduleRunMethod", MODEL),
          Map.entry("org/torchbatch/spark/parquet/ColumnWriteSupport", WRITE),
          Map.entry("org/torchbatch/spark/parquet/RowColumns", WRITE),
          Map.entry("org/torchbatch/spark/parquet/", READ),
          Map.entry("org/torchbatch/", OURS),
          Map.entry("VectorizedParquetRecordReader", READ),
          Map.entry("VectorizedColumnReader", READ),
          Map.entry("ParquetColumnVector", READ),
          Map.entry("ChecksumFSInputChecker", READ),
          Map.entry("AsynchronousFileChannel", READ),
          Map.entry("OutputWriter.write", WRITE),
          Map.entry("ParquetWriteSupport", WRITE),
          Map.entry("InternalParquetRecordWriter", WRITE),
          Map.entry("org/apache/parquet/column/", WRITE),
          Map.entry("CompileBroker", JIT),
          Map.entry("GangWorker", GC),
          Map.entry("ConcurrentGCThread", GC));

  private static final long INTERVAL_NANOS = 10_000_000;

  /** Runs {@code job} under the profiler; the raw samples go to {@code collapsed} too. */
  static CpuProfile record(Runnable job, Path collapsed) throws IOException {
    AsyncProfiler profiler = AsyncProfiler.getInstance();
    profiler.execute("start,event=" + event(profiler) + ",interval=" + INTERVAL_NANOS);
    try {
      job.run();
    } finally {
      profiler.execute("stop,file=" + collapsed + ",collapsed");
    }
    return parse(Files.readAllLines(collapsed), INTERVAL_NANOS / 1e9);
  }

  /** CPU perf events where the kernel allows them, else the interval timer. */
  private static String event(AsyncProfiler profiler) throws IOException {
    try {
      profiler.execute("check,event=cpu");
      return "cpu";
    } catch (IllegalStateException | IllegalArgumentException e) {
      return "itimer";
    }
  }

  /** Groups async-profiler's collapsed stacks ({@code frame;frame;... count} lines). */
  static CpuProfile parse(List<String> lines, double intervalSeconds) {
    Map<String, Long> samples = new LinkedHashMap<>();
    for (String group : List.of(MODEL, OURS, READ, WRITE, JIT, GC, OTHER)) {
      samples.put(group, 0L);
    }
    for (String line : lines) {
      int space = line.lastIndexOf(' ');
      if (space < 0) {
        continue;
      }
      String[] frames = line.substring(0, space).split(";");
      samples.merge(group(frames), Long.parseLong(line.substring(space + 1).trim()), Long::sum);
    }
    return new CpuProfile(samples, intervalSeconds);
  }

  private static String group(String[] frames) {
    for (int i = frames.length - 1; i >= 0; i--) {
      for (Map.Entry<String, String> rule : GROUPS) {
        if (frames[i].contains(rule.getKey())) {
          return rule.getValue();
        }
      }
    }
    return OTHER;
  }

  long total() {
    return samples.values().stream().mapToLong(Long::longValue).sum();
  }

  /** A section of {@code report}: each group's share of the samples and its CPU seconds. */
  void addTo(Report report, String job, String collapsed) {
    report.section("CPU profile of one " + job + " (async-profiler, every thread)");
    report.line(
        "Each sample goes to the group of its deepest frame that names one. Raw stacks: "
            + collapsed
            + " (collapsed format, for any flame graph tool).");
    report.line("");
    report.line("| where | share of CPU samples | CPU seconds |");
    report.line("|---|---|---|");
    samples()
        .forEach(
            (group, count) ->
                report.line(
                    String.format(
                        "| %s | %.1f%% | %.1f |",
                        group, 100.0 * count / Math.max(total(), 1), count * intervalSeconds())));
  }
}
