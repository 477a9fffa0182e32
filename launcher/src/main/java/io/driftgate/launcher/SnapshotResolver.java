package io.driftgate.launcher;

import java.time.Instant;
import java.util.Objects;

/**
 * Pins runs to a snapshot of the lake's records table (see {@link LakeSnapshotResolver}): the
 * launcher asks before a run's study starts when the request names no snapshot, and again every
 * poll interval while the lake does not cover the request's range yet.
 */
public interface SnapshotResolver extends AutoCloseable {

  /**
   * One check.
   *
   * @param snapshotId the snapshot to pin, or null while the lake does not cover the range
   * @param metadataLocation the records table's metadata file holding the snapshot, for steps that
   *     read the lake without its catalog; null when they reach the catalog
   * @param detail why the snapshot covers the range, or what the lake lacks (the newest event time
   *     it holds), for the run's history and the timeout's message
   */
  record Resolution(Long snapshotId, String metadataLocation, String detail) {
    public Resolution {
      Objects.requireNonNull(detail, "detail");
    }

    public static Resolution pinned(long snapshotId, String metadataLocation, String detail) {
      return new Resolution(snapshotId, metadataLocation, detail);
    }

    public static Resolution notYet(String detail) {
      return new Resolution(null, null, detail);
    }

    public boolean covered() {
      return snapshotId != null;
    }
  }

  /**
   * Checks once, without waiting, whether the lake covers the event-time range {@code [from, to)}
   * of request {@code key}.
   *
   * @throws RuntimeException when the lake cannot be read (the launcher retries until its timeout)
   */
  Resolution resolve(String key, Instant from, Instant to);

  /**
   * Protects a snapshot from expiry: a promoted model's training data stays readable (tag {@code
   * driftgate-keep-<id>}, which {@code driftgate lake maintain} never expires).
   */
  void keep(long snapshotId);

  @Override
  default void close() {}
}
