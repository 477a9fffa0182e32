package io.driftgate.trainer;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.spec.ModelSpec;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * An event-time range {@code [from, to)} of a lake, in epoch millis.
 *
 * @param fromMillis inclusive start
 * @param toMillis exclusive end
 */
public record LakeRange(long fromMillis, long toMillis) {
  public LakeRange {
    if (toMillis <= fromMillis) {
      throw new IllegalArgumentException(
          "empty range: from "
              + Instant.ofEpochMilli(fromMillis)
              + " is not before to "
              + Instant.ofEpochMilli(toMillis));
    }
  }

  /**
   * The range covering every row of the lake's current snapshot (the embedded lake under {@code
   * lakeRoot}, holding one model).
   *
   * @throws IllegalArgumentException when the lake has no committed data
   */
  public static LakeRange wholeLake(Path lakeRoot) {
    return wholeLake(lakeRoot, null);
  }

  /**
   * The range covering every row of one snapshot of the embedded lake under {@code lakeRoot}
   * (holding one model).
   *
   * @param snapshotId a snapshot of the records table, or null for the current one
   * @throws IllegalArgumentException when the lake has no committed data or no such snapshot
   */
  public static LakeRange wholeLake(Path lakeRoot, Long snapshotId) {
    try (Lake lake = Lake.open(lakeRoot)) {
      return wholeLake(snapshotId == null || lake.isEmpty() ? lake : lake.at(snapshotId), lakeRoot);
    }
  }

  /**
   * The range covering every row of the view's snapshot.
   *
   * @throws IllegalArgumentException when the lake has no committed data
   */
  public static LakeRange wholeLake(Lake lake) {
    return wholeLake(lake, null);
  }

  private static LakeRange wholeLake(Lake lake, Path where) {
    long[] r =
        lake.eventTimeRange()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "lake "
                            + (where != null
                                ? where
                                : lake.recordsTable() == null ? "" : lake.recordsTable().name())
                            + " has no committed data"
                            + (lake.snapshotId() == null ? "" : " in snapshot " + lake.snapshotId())
                            + "; ingest first (driftgate ingest)"));
    return new LakeRange(r[0], r[1] + 1);
  }

  /**
   * The range from optional bounds (ISO instants, ISO dates meaning midnight UTC, or epoch millis);
   * a missing bound is taken from the lake's current snapshot (the embedded lake under {@code
   * lakeRoot}).
   */
  public static LakeRange resolve(Path lakeRoot, String from, String to) {
    return resolve(lakeRoot, null, from, to);
  }

  /**
   * The range from optional bounds; a missing bound is taken from one snapshot (null: the current
   * one) of the embedded lake under {@code lakeRoot}.
   */
  public static LakeRange resolve(Path lakeRoot, Long snapshotId, String from, String to) {
    if (from != null && to != null) {
      return new LakeRange(parseInstant("from", from), parseInstant("to", to));
    }
    return bounded(wholeLake(lakeRoot, snapshotId), from, to);
  }

  /**
   * The range from optional bounds; a missing bound is taken from one snapshot (null: the current
   * one) of the spec's lake (see {@link LakeDataset#open}: its {@code lake.catalog} when
   * configured, else the embedded catalog under {@code lakeRoot}).
   */
  public static LakeRange resolve(
      ModelSpec spec, Path lakeRoot, Long snapshotId, String from, String to) {
    if (from != null && to != null) {
      return new LakeRange(parseInstant("from", from), parseInstant("to", to));
    }
    return LakeDataset.withLake(spec, lakeRoot, null, snapshotId, l -> resolve(l, from, to));
  }

  /** The range from optional bounds; a missing bound is taken from the view's snapshot. */
  public static LakeRange resolve(Lake lake, String from, String to) {
    if (from != null && to != null) {
      return new LakeRange(parseInstant("from", from), parseInstant("to", to));
    }
    return bounded(wholeLake(lake), from, to);
  }

  private static LakeRange bounded(LakeRange whole, String from, String to) {
    return new LakeRange(
        from == null ? whole.fromMillis : parseInstant("from", from),
        to == null ? whole.toMillis : parseInstant("to", to));
  }

  /** Parses an ISO instant, an ISO date (midnight UTC) or epoch millis. */
  public static long parseInstant(String what, String s) {
    String t = s.trim();
    try {
      if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
        return Long.parseLong(t);
      }
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      }
      return Instant.parse(t).toEpochMilli();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          what
              + ": '"
              + s
              + "' is not an instant; use e.g. 2026-01-05T00:00:00Z, 2026-01-05 or epoch millis");
    }
  }

  public Instant from() {
    return Instant.ofEpochMilli(fromMillis);
  }

  public Instant to() {
    return Instant.ofEpochMilli(toMillis);
  }

  @Override
  public String toString() {
    return from() + ".." + to();
  }
}
