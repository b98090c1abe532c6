package org.torchbatch.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.AccumulatorV2;

/**
 * The rows a query set aside (see {@code QuarantineRows}): how many each partition had, and the
 * first {@code keep} of them. A partition's count replaces, never adds to, what an earlier attempt
 * of the same partition reported, so retried and re-run tasks count once.
 */
public final class BadRecords extends AccumulatorV2<InternalRow, BadRecords.Found> {
  private static final long serialVersionUID = 1L;

  /** What one partition set aside. */
  private static final class Partition implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    long count;
    final List<InternalRow> rows = new ArrayList<>();
  }

  /** Every partition's rows together: how many, the ones kept, whether those are all of them. */
  public record Found(long count, List<InternalRow> rows) {
    public boolean complete() {
      return rows.size() == count;
    }
  }

  private final int keep;
  private Map<Integer, Partition> partitions = new HashMap<>();

  /**
   * @param keep how many rows each partition keeps for the driver (the rest are counted)
   */
  public BadRecords(int keep) {
    this.keep = keep;
  }

  @Override
  public boolean isZero() {
    return partitions.isEmpty();
  }

  @Override
  public AccumulatorV2<InternalRow, Found> copy() {
    BadRecords copy = new BadRecords(keep);
    copy.partitions = new HashMap<>(partitions);
    return copy;
  }

  @Override
  public void reset() {
    partitions = new HashMap<>();
  }

  @Override
  public void add(InternalRow row) {
    Partition partition =
        partitions.computeIfAbsent(TaskContext.getPartitionId(), unused -> new Partition());
    partition.count++;
    if (partition.rows.size() < keep) {
      partition.rows.add(row.copy());
    }
  }

  @Override
  public void merge(AccumulatorV2<InternalRow, Found> other) {
    partitions.putAll(((BadRecords) other).partitions);
  }

  @Override
  public Found value() {
    long count = 0;
    List<InternalRow> rows = new ArrayList<>();
    for (Partition partition : partitions.values()) {
      count += partition.count;
      rows.addAll(partition.rows);
    }
    return new Found(count, rows);
  }
}
