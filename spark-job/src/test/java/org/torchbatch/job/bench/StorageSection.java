package org.torchbatch.job.bench;

import static org.torchbatch.job.bench.Bench.READ;
import static org.torchbatch.job.bench.Bench.WIDE;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.torchbatch.runtime.bench.Measurement;
import org.torchbatch.spark.parquet.SplitOpener;
import org.torchbatch.spark.parquet.TensorParquetFormat;

/**
 * The mlp_small job reading ahead (the default) and reading each row group's chunks whole before
 * decoding, as parquet-mr does: on input in the page cache, where reading costs only CPU, and on
 * storage whose streams are capped ({@link CappedStorage}), as a remote store's are; and the
 * features read alone both ways, where reading ahead has nothing to overlap.
 */
final class StorageSection {
  private final Bench bench;
  private final BenchOptions options;

  StorageSection(Bench bench) {
    this.bench = bench;
    this.options = bench.options;
  }

  void run() throws Exception {
    String local = bench.parquet(options.storageRows, WIDE);
    String capped = "capped://" + Path.of(local).toAbsolutePath();
    var hadoop = bench.spark.sparkContext().hadoopConfiguration();
    hadoop.set("fs.capped.impl", CappedStorage.class.getName());
    hadoop.setLong(CappedStorage.RATE, options.storageMbPerSecond << 20);
    String output = bench.output();
    String mbps = options.storageMbPerSecond + " MB/s";
    String aheadCapped = "job, read ahead, storage capped at " + mbps + " a stream";
    String wholeCapped = "job, chunks read whole, storage capped at " + mbps + " a stream";
    String aheadLocal = "job, read ahead, input in the page cache";
    String wholeLocal = "job, chunks read whole, input in the page cache";
    String sparkCapped = "job, Spark's reader, storage capped at " + mbps + " a stream";
    String sparkLocal = "job, Spark's reader, input in the page cache";
    System.out.println("Storage:");
    SideBySide.Rounds rounds =
        bench
            .sideBySide(options.roundSeconds)
            .add(
                aheadCapped,
                options.storageRows,
                Bench.inCache(local),
                () -> job(capped, output, null))
            .add(
                wholeCapped,
                options.storageRows,
                Bench.inCache(local),
                () -> job(capped, output, "0"))
            .add(
                aheadLocal,
                options.storageRows,
                Bench.inCache(local),
                () -> job(local, output, null))
            .add(
                wholeLocal,
                options.storageRows,
                Bench.inCache(local),
                () -> job(local, output, "0"))
            .add(
                sparkCapped,
                options.storageRows,
                Bench.inCache(local),
                () -> sparkReaderJob(capped, output))
            .add(
                sparkLocal,
                options.storageRows,
                Bench.inCache(local),
                () -> sparkReaderJob(local, output))
            .add(
                READ + ", read ahead",
                options.storageRows,
                Bench.inCache(local),
                () -> read(local, null))
            .add(
                READ + ", chunks read whole",
                options.storageRows,
                Bench.inCache(local),
                () -> read(local, "0"))
            .run(options.repeats);
    Map<String, Measurement> measured = rounds.rates();
    Map<String, Measurement> ratios = new LinkedHashMap<>();
    ratios.put(
        "read ahead / chunks read whole, storage capped at " + mbps + " a stream",
        Ratios.perRound(measured, aheadCapped, wholeCapped));
    ratios.put(
        "read ahead / chunks read whole, input in the page cache",
        Ratios.perRound(measured, aheadLocal, wholeLocal));
    ratios.put(
        "the same, reading the features alone (no model, no write)",
        Ratios.perRound(measured, READ + ", read ahead", READ + ", chunks read whole"));
    ratios.put(
        "torchbatch-parquet / Spark's reader, storage capped at " + mbps + " a stream",
        Ratios.perRound(measured, aheadCapped, sparkCapped));
    ratios.put(
        "torchbatch-parquet / Spark's reader, input in the page cache",
        Ratios.perRound(measured, aheadLocal, sparkLocal));
    bench.report.ratios(
        "Reading ahead, and torchbatch-parquet against Spark's reader: the job on capped storage"
            + " and on cached input (mlp_small, batch 4096)",
        "Capped storage: local files read through a Hadoop file system that lets each open stream"
            + " read at most "
            + mbps
            + " and spends no CPU waiting, as a remote store's streams do.",
        ratios,
        rounds);
    bench.report.write();
  }

  /** The mlp_small job, with spark.torchbatch.parquet.readAhead at {@code readAhead} if set. */
  private void job(String input, String output, String readAhead) {
    withReadAhead(readAhead, () -> bench.mlpJob(input, output));
  }

  /** The mlp_small job reading its input with Spark's Parquet reader. */
  private void sparkReaderJob(String input, String output) {
    Jobs.predict(
        bench.mlp.toString(),
        WIDE,
        input,
        output,
        "--batch-size",
        "4096",
        "--parquet-reader",
        "spark");
  }

  /** The features read alone, with spark.torchbatch.parquet.readAhead at {@code readAhead}. */
  private void read(String input, String readAhead) {
    withReadAhead(readAhead, () -> Jobs.scan(bench.spark, TensorParquetFormat.Name(), input));
  }

  private void withReadAhead(String readAhead, Runnable body) {
    if (readAhead != null) {
      bench.spark.conf().set(SplitOpener.READ_AHEAD, readAhead);
    }
    try {
      body.run();
    } finally {
      bench.spark.conf().unset(SplitOpener.READ_AHEAD);
    }
  }
}
