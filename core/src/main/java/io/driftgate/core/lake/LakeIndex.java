package io.driftgate.core.lake;

import io.driftgate.core.lake.CommitMarker.FileKind;
import io.driftgate.core.lake.CommitMarker.LakeFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a lake holds, as its commit markers say: the only view readers (training, `driftgate lake`)
 * may use. Files that no marker lists (left by a crashed writer) are invisible.
 */
public final class LakeIndex {

  /** Rows and files of one event-time partition (date + hour). */
  public record Window(String eventDate, int eventHour, long rows, int files, int commits) {}

  private final LakeLayout layout;
  private final List<CommitMarker> commits;

  private LakeIndex(LakeLayout layout, List<CommitMarker> commits) {
    this.layout = layout;
    this.commits = commits;
  }

  /** Loads every published marker (hidden temporary files are skipped). */
  public static LakeIndex load(Path lakeRoot) {
    LakeLayout layout = new LakeLayout(lakeRoot);
    List<CommitMarker> markers = new ArrayList<>();
    Path dir = layout.commitsDir();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path p : files.sorted().toList()) {
          String name = p.getFileName().toString();
          if (name.startsWith(".") || !name.endsWith(".json")) {
            continue;
          }
          markers.add(CommitMarker.fromJson(Files.readAllBytes(p)));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list commits in " + dir, e);
      }
    }
    return new LakeIndex(layout, Collections.unmodifiableList(markers));
  }

  public LakeLayout layout() {
    return layout;
  }

  /** Markers in commit-id (time) order. */
  public List<CommitMarker> commits() {
    return commits;
  }

  public long rows() {
    return commits.stream().mapToLong(CommitMarker::rows).sum();
  }

  public long deadLetters() {
    return commits.stream().mapToLong(CommitMarker::deadLetters).sum();
  }

  public Map<String, Long> deadLettersByKind() {
    Map<String, Long> byKind = new TreeMap<>();
    for (CommitMarker c : commits) {
      c.deadLettersByKind().forEach((k, v) -> byKind.merge(k, v, Long::sum));
    }
    return byKind;
  }

  /** Offsets accounted for per (topic, partition), e.g. {@code flights-0}. */
  public Map<String, OffsetRanges> offsetsByPartition() {
    Map<String, OffsetRanges> out = new TreeMap<>();
    for (CommitMarker c : commits) {
      out.computeIfAbsent(c.topic() + "-" + c.partition(), k -> new OffsetRanges())
          .addAll(c.offsetRanges());
    }
    return out;
  }

  /** Offsets accounted for in one partition of a topic. */
  public OffsetRanges offsets(String topic, int partition) {
    OffsetRanges r = new OffsetRanges();
    for (CommitMarker c : commits) {
      if (c.topic().equals(topic) && c.partition() == partition) {
        r.addAll(c.offsetRanges());
      }
    }
    return r;
  }

  /**
   * Offsets listed by more than one commit. Always zero for a healthy lake: the writer skips
   * offsets that are already committed.
   */
  public long duplicateOffsets() {
    long listed = 0;
    for (CommitMarker c : commits) {
      listed += c.offsetRanges().count();
    }
    long distinct = offsetsByPartition().values().stream().mapToLong(OffsetRanges::count).sum();
    return listed - distinct;
  }

  /** Committed files of a kind, in commit order. */
  public List<LakeFile> files(FileKind kind) {
    List<LakeFile> out = new ArrayList<>();
    for (CommitMarker c : commits) {
      for (LakeFile f : c.files()) {
        if (f.kind() == kind) {
          out.add(f);
        }
      }
    }
    return out;
  }

  /** Committed data files that may hold rows with event time in {@code [fromMillis, toMillis)}. */
  public List<LakeFile> dataFiles(long fromMillis, long toMillis) {
    return files(FileKind.DATA).stream()
        .filter(f -> f.maxEventTime() >= fromMillis && f.minEventTime() < toMillis)
        .toList();
  }

  /** Event-time partitions with their committed rows, oldest first. */
  public List<Window> windows() {
    Map<String, long[]> acc = new TreeMap<>();
    Map<String, java.util.Set<String>> commitsPer = new TreeMap<>();
    for (CommitMarker c : commits) {
      for (LakeFile f : c.files()) {
        if (f.kind() != FileKind.DATA) {
          continue;
        }
        String key = f.eventDate() + "|" + f.eventHour();
        long[] a = acc.computeIfAbsent(key, k -> new long[2]);
        a[0] += f.rows();
        a[1] += 1;
        commitsPer.computeIfAbsent(key, k -> new java.util.TreeSet<>()).add(c.commitId());
      }
    }
    List<Window> out = new ArrayList<>();
    acc.forEach(
        (k, a) -> {
          String[] parts = k.split("\\|");
          out.add(
              new Window(
                  parts[0],
                  Integer.parseInt(parts[1]),
                  a[0],
                  (int) a[1],
                  commitsPer.get(k).size()));
        });
    return out;
  }
}
