package io.driftgate.trainer;

import io.driftgate.core.lake.CommitMarker.FileKind;
import io.driftgate.core.lake.CommitMarker.LakeFile;
import io.driftgate.core.lake.LakeIndex;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

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
   * The range covering every committed data file of the lake.
   *
   * @throws IllegalArgumentException when the lake has no committed data
   */
  public static LakeRange wholeLake(Path lakeRoot) {
    List<LakeFile> files = LakeIndex.load(lakeRoot).files(FileKind.DATA);
    if (files.isEmpty()) {
      throw new IllegalArgumentException(
          "lake " + lakeRoot + " has no committed data; ingest first (driftgate ingest)");
    }
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (LakeFile f : files) {
      lo = Math.min(lo, f.minEventTime());
      hi = Math.max(hi, f.maxEventTime());
    }
    return new LakeRange(lo, hi + 1);
  }

  /**
   * The range from optional bounds (ISO instants, ISO dates meaning midnight UTC, or epoch millis);
   * a missing bound is taken from the whole committed lake.
   */
  public static LakeRange resolve(Path lakeRoot, String from, String to) {
    if (from != null && to != null) {
      return new LakeRange(parseInstant("from", from), parseInstant("to", to));
    }
    LakeRange whole = wholeLake(lakeRoot);
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
