package io.driftgate.core.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.UUID;

/**
 * Where things live in a lake directory. Hive-style partitions, no ':' anywhere (Hadoop paths):
 *
 * <pre>
 * lake/
 *   data/event_date=2026-11-28/event_hour=14/part-&lt;commitId&gt;.parquet
 *   deadletters/event_date=2026-11-28/part-&lt;commitId&gt;.parquet
 *   _commits/&lt;commitId&gt;.json       (the atomic commit markers)
 * </pre>
 */
public final class LakeLayout {
  public static final String DATA_DIR = "data";
  public static final String DEAD_LETTER_DIR = "deadletters";
  public static final String COMMITS_DIR = "_commits";
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final Path root;

  public LakeLayout(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  public Path root() {
    return root;
  }

  public Path commitsDir() {
    return root.resolve(COMMITS_DIR);
  }

  /** A new time-ordered commit id for one partition, e.g. {@code 1732802400123-p3-9f1c2a7e}. */
  public static String newCommitId(int partition, long nowMillis) {
    return String.format(
        Locale.ROOT,
        "%013d-p%d-%s",
        nowMillis,
        partition,
        UUID.randomUUID().toString().substring(0, 8));
  }

  public static String eventDate(long eventTimeMillis) {
    return DATE.format(Instant.ofEpochMilli(eventTimeMillis));
  }

  public static int eventHour(long eventTimeMillis) {
    return Instant.ofEpochMilli(eventTimeMillis).atZone(ZoneOffset.UTC).getHour();
  }

  /** Data file path relative to the root. */
  public static String dataFile(String eventDate, int eventHour, String commitId) {
    return String.format(
        Locale.ROOT,
        "%s/event_date=%s/event_hour=%02d/part-%s.parquet",
        DATA_DIR,
        eventDate,
        eventHour,
        commitId);
  }

  /** Dead-letter file path relative to the root. */
  public static String deadLetterFile(String date, String commitId) {
    return String.format(
        Locale.ROOT, "%s/event_date=%s/part-%s.parquet", DEAD_LETTER_DIR, date, commitId);
  }

  public Path resolve(String relative) {
    return root.resolve(relative);
  }

  /**
   * Publishes a marker atomically: written under a hidden temporary name, then renamed, so a reader
   * sees the whole marker or none of it.
   */
  public void publish(CommitMarker marker) {
    Path dir = commitsDir();
    Path target = dir.resolve(marker.commitId() + ".json");
    Path tmp = dir.resolve("." + marker.commitId() + ".json.tmp");
    try {
      Files.createDirectories(dir);
      Files.write(tmp, marker.toJson());
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish commit " + marker.commitId(), e);
    }
  }
}
