package org.torchbatch.runtime.archive;

/**
 * What reading one archive may cost, checked before anything is allocated: an archive is untrusted
 * bytes (a zip, pickles, code) that the driver and every executor parse. The defaults pass every
 * real archive (a model's tensors are entries of their own, which are never read into memory here);
 * each is a JVM system property, set on a cluster through {@code spark.driver.extraJavaOptions} and
 * {@code spark.executor.extraJavaOptions}.
 *
 * @param maxEntryBytes inflated bytes of one entry read into memory ({@code data.pkl}, code, extra
 *     files)
 * @param maxTotalBytes inflated bytes of all entries read into memory, together
 * @param maxEntries entries in the zip
 * @param maxDepth nesting of the modules and containers a pickle holds
 */
public record ArchiveLimits(
    long maxEntryBytes, long maxTotalBytes, long maxEntries, long maxDepth) {
  public static final String MAX_ENTRY_BYTES = "torchbatch.archive.maxEntryBytes";
  public static final String MAX_TOTAL_BYTES = "torchbatch.archive.maxTotalBytes";
  public static final String MAX_ENTRIES = "torchbatch.archive.maxEntries";
  public static final String MAX_DEPTH = "torchbatch.archive.maxDepth";

  /** The limits in force: the system properties, else the defaults. */
  public static ArchiveLimits current() {
    return new ArchiveLimits(
        Long.getLong(MAX_ENTRY_BYTES, 64L << 20),
        Long.getLong(MAX_TOTAL_BYTES, 256L << 20),
        Long.getLong(MAX_ENTRIES, 100_000),
        Long.getLong(MAX_DEPTH, 500));
  }

  /** The error for a file over the limit {@code property}, saying how to raise it. */
  static ArchiveException exceeded(String file, String what, String property, long limit) {
    return new ArchiveException(
        file
            + " "
            + what
            + ", over the limit of "
            + limit
            + " ("
            + property
            + "): an archive torch.jit.save wrote stays far below it; if yours is real, raise it"
            + " with -D"
            + property
            + "=N");
  }
}
