package io.driftgate.testkit.kafka;

import io.driftgate.schemas.ErrorKind;
import java.util.Map;

/**
 * What {@link StreamProducer#produce} sent.
 *
 * @param total records sent (and acknowledged)
 * @param valid records with no expected error
 * @param malformedByKind malformed records by expected {@link ErrorKind} (kinds with 0 left out)
 * @param drifted records drawn from the drifted concept
 * @param endOffsets per partition, the offset after the last record (log end offset)
 * @param elapsedMillis wall time of the whole run
 */
public record ProduceResult(
    long total,
    long valid,
    Map<ErrorKind, Long> malformedByKind,
    long drifted,
    Map<Integer, Long> endOffsets,
    long elapsedMillis) {

  public ProduceResult {
    malformedByKind = Map.copyOf(malformedByKind);
    endOffsets = Map.copyOf(endOffsets);
  }

  /** Total malformed records. */
  public long malformed() {
    return malformedByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Malformed records of one kind. */
  public long count(ErrorKind kind) {
    return malformedByKind.getOrDefault(kind, 0L);
  }

  /** Records per second achieved. */
  public double recordsPerSecond() {
    return elapsedMillis <= 0 ? total : total * 1000.0 / elapsedMillis;
  }
}
