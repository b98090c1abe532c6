package org.torchbatch.job.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/** The suite's options: sizes of each section's input, rounds, and which sections run. */
final class BenchOptions {
  @Option(names = "--rows", defaultValue = "2000000", description = "rows of the mlp_small job")
  long rows;

  @Option(
      names = "--sql-rows",
      defaultValue = "200000",
      description = "cached rows, mlp_small (read --rows / this many times)")
  long sqlRows;

  @Option(names = "--tiny-rows", defaultValue = "2000000", description = "rows of the tiny jobs")
  long tinyRows;

  @Option(names = "--udf-rows", defaultValue = "300000", description = "cached rows, per-row UDF")
  long udfRows;

  @Option(
      names = "--memory-rows",
      defaultValue = "10000000",
      description = "rows of the long query whose memory is sampled")
  long memoryRows;

  @Option(names = "--batch-sizes", split = ",", defaultValue = "256,512,1024,2048,4096,8192,16384")
  List<Integer> batchSizes;

  @Option(
      names = "--sweep-rows",
      defaultValue = "500000",
      description = "rows of each case per batch size")
  long sweepRows;

  @Option(
      names = "--heavier-rows",
      defaultValue = "500000",
      description = "rows of each case on the heavier model")
  long heavierRows;

  @Option(
      names = "--storage-rows",
      defaultValue = "500000",
      description = "rows of each case on capped storage")
  long storageRows;

  @Option(
      names = "--storage-mb-per-second",
      defaultValue = "100",
      description = "the capped storage's MB/s a stream (a remote store's order of magnitude)")
  long storageMbPerSecond;

  @Option(names = "--repeats", defaultValue = "3", description = "rounds after the warm-up")
  int repeats;

  @Option(
      names = "--pairs",
      defaultValue = "12",
      description =
          "rounds of the pairs section (SQL predict, raw and the mlp_small job, once each)")
  int pairs;

  @Option(
      names = "--warm-up",
      defaultValue = "10",
      description = "seconds each case runs (at least once) before the rounds")
  double warmUp;

  @Option(
      names = "--round-seconds",
      defaultValue = "5",
      description = "seconds each case runs (at least once) in a round")
  double roundSeconds;

  @Option(
      names = "--only",
      split = ",",
      defaultValue = "cases,feed,pairs,heavier,storage,batch,phases,profile,conversions,memory",
      description = "sections to run: ${DEFAULT-VALUE}")
  Set<String> sections;

  @Option(
      names = "--seed",
      description =
          "the order of the cases in each pass (random if not given; the report names it)")
  Long seed;

  @Option(names = "--data", defaultValue = "target/bench-data", description = "input Parquet")
  Path data;

  @Option(names = "--out", defaultValue = "bench-results", description = "reports go here")
  Path out;
}
