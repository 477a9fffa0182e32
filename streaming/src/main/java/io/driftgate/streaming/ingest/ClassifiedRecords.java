package io.driftgate.streaming.ingest;

import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.spec.ModelSpec;

/**
 * The classification of the record this thread read last, handed from the read's timestamp policy
 * ({@link EventTimePolicy}, which classifies every record for its event time) to {@link
 * DecodeAndClean}, so that a record is decoded and cleaned once instead of twice. On Flink the
 * source, its policy and {@code DecodeAndClean} run chained in one thread, record by record, and
 * with object reuse the record's value array arrives as the same object: a hit is the very same
 * bytes at the same position, classified under an equal spec. Anywhere else (another runner, a
 * coder in between) it is a miss, and {@code DecodeAndClean} classifies the record itself.
 */
final class ClassifiedRecords {
  private static final ThreadLocal<Entry> LAST = new ThreadLocal<>();

  private ClassifiedRecords() {}

  /** One classified record: the value array (compared by identity), its position, its result. */
  record Entry(ModelSpec spec, byte[] value, int partition, long offset, CleanResult result) {}

  static void remember(
      ModelSpec spec, byte[] value, int partition, long offset, CleanResult result) {
    LAST.set(new Entry(spec, value, partition, offset, result));
  }

  /** The result remembered for exactly this value array at this position, or null. */
  static Entry take(byte[] value, int partition, long offset) {
    Entry e = LAST.get();
    if (e == null || value == null || e.value() != value) {
      return null;
    }
    LAST.set(null);
    return e.partition() == partition && e.offset() == offset ? e : null;
  }
}
