package io.driftgate.launcher;

import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.lake.LakeRows;
import io.driftgate.core.lake.LakeTables;
import io.driftgate.core.spec.ModelSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SnapshotResolver} on a model's {@link Lake}: a run is pinned to the records table's
 * current snapshot once that snapshot covers the request's event-time range {@code [from, to)},
 * which is the case when either holds:
 *
 * <ol>
 *   <li><b>Every source partition has committed rows at the range end</b>: for each Kafka partition
 *       of the source (those the lake accounts for, and those of the topic that hold records when
 *       the source is known), the snapshot holds a row of that partition with event time at least
 *       {@code to − 1 ms}. A partition is read in offset order and its event times are out of order
 *       by at most the ingest watermark's allowed delay, so its rows before {@code to} are then
 *       committed too, up to that delay: the same cut the drift monitor made, whose event-time
 *       watermark (the minimum over the partitions of newest event time minus that delay) had to
 *       pass {@code to} before it emitted the request. The lake trails the monitor by about a
 *       commit interval ({@code lake.commitInterval}), so the wait is short. Checking each
 *       partition matters: ingestion reads partitions unevenly (one reader may finish a partition
 *       before it starts the next), so the lake's overall newest event time can pass {@code to}
 *       while another partition has not reached the range yet.
 *   <li><b>Ingestion has committed everything the source held</b> when the request was first
 *       checked (only with a {@link SourceProgress}): the ingest consumer group's committed offsets
 *       reach the source topic's end offsets read at that first check, and the group's offsets move
 *       only after the lake commit that holds those records. This covers what the first test
 *       cannot: a range that ends after the last record (the last, partial window of a stream that
 *       has stopped) or a partition that stopped receiving records before the range end.
 * </ol>
 *
 * The snapshot pinned is the current one, the newest: rows committed after it are not read by any
 * step of the run, so tuning, the best model and the gate see the same rows.
 */
public final class LakeSnapshotResolver implements SnapshotResolver {
  private static final Logger LOG = LoggerFactory.getLogger(LakeSnapshotResolver.class);

  /** How far the source is: its end offsets and what ingestion has committed, per partition. */
  public interface SourceProgress extends AutoCloseable {
    /** The source topic's end offsets now (offset of the next record), per partition. */
    Map<Integer, Long> endOffsets();

    /** The ingest consumer group's committed offsets (the lake holds every record below). */
    Map<Integer, Long> committed();

    @Override
    default void close() {}
  }

  /** Requests whose first check read the source's end offsets; bounded, oldest dropped. */
  private static final int MAX_TARGETS = 1000;

  private final Supplier<Lake> lake;
  private final boolean metadataLocations;
  private final SourceProgress source;
  private final Map<String, Map<Integer, Long>> targets =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<Integer, Long>> eldest) {
          return size() > MAX_TARGETS;
        }
      };

  /**
   * @param lake opens the lake (following its current snapshot); each check opens and closes one
   * @param metadataLocations whether pinned runs also carry the records table's metadata file (for
   *     steps that cannot reach the catalog, e.g. Job pods with the embedded catalog on a read-only
   *     volume)
   * @param source the source's progress, or null to rely on the lake's event times alone
   */
  public LakeSnapshotResolver(
      Supplier<Lake> lake, boolean metadataLocations, SourceProgress source) {
    this.lake = Objects.requireNonNull(lake, "lake");
    this.metadataLocations = metadataLocations;
    this.source = source;
  }

  /**
   * The lake of a spec: its {@code lake.catalog} when configured, else the embedded catalog under
   * {@code lakeRoot} (null: the spec's {@code lake.path}). Without a configured catalog pinned runs
   * carry the metadata location when {@code metadataLocations} says so.
   */
  public static LakeSnapshotResolver forSpec(
      ModelSpec spec, Path lakeRoot, boolean metadataLocations, SourceProgress source) {
    Path root = lakeRoot != null ? lakeRoot : spec.lake().path();
    Supplier<Lake> open =
        () -> {
          if (spec.lake().hasConfiguredCatalog()) {
            return Lake.open(spec);
          }
          if (!Files.exists(root.resolve(LakeCatalog.EMBEDDED_DB))) {
            return Lake.open(root); // nothing ingested yet: empty, and no catalog created
          }
          return Lake.open(LakeCatalog.embedded(root), spec.model());
        };
    return new LakeSnapshotResolver(open, metadataLocations, source);
  }

  @Override
  public Resolution resolve(String key, Instant from, Instant to) {
    long end = to.toEpochMilli() - 1;
    // The source's end offsets, read at the first check of a request (after the monitor emitted
    // it: every record it had read lies below them), then fixed for the request. Without them
    // (no source, or an unreachable broker) the lake's own partitions are all there is to check.
    Map<Integer, Long> target = null;
    String sourceProblem = null;
    if (source != null) {
      try {
        target = target(key);
      } catch (RuntimeException e) {
        LOG.debug("request {}: cannot read the source's offsets: {}", key, e.toString());
        sourceProblem = "; the source's offsets cannot be read: " + e.getMessage();
      }
    }
    String behind;
    try (Lake l = lake.get()) {
      Long id = l.snapshotId();
      if (id == null) {
        behind = "the lake has no commit yet";
      } else {
        Optional<long[]> range = l.eventTimeRange();
        String newest =
            range.isEmpty()
                ? "the lake holds no rows (snapshot " + id + ")"
                : "the lake's newest event time is "
                    + Instant.ofEpochMilli(range.get()[1])
                    + " (snapshot "
                    + id
                    + ")";
        if (range.isEmpty() || range.get()[1] < end) {
          behind = newest;
        } else {
          Set<Integer> partitions = new TreeSet<>(lakePartitions(l));
          if (target != null) {
            target.forEach(
                (p, offset) -> {
                  if (offset > 0) {
                    partitions.add(p);
                  }
                });
          }
          Set<Integer> lagging = new TreeSet<>(partitions);
          lagging.removeAll(partitionsReaching(l, end, partitions));
          if (lagging.isEmpty()) {
            forget(key);
            return Resolution.pinned(
                id,
                location(l),
                "every source partition "
                    + partitions
                    + " holds rows at its range end "
                    + to
                    + " (newest event time "
                    + Instant.ofEpochMilli(range.get()[1])
                    + ")");
          }
          behind =
              "source partitions "
                  + lagging
                  + " hold no committed row at "
                  + Instant.ofEpochMilli(end)
                  + " or later yet; "
                  + newest;
        }
      }
    }
    if (target == null) {
      return Resolution.notYet(behind + (sourceProblem == null ? "" : sourceProblem));
    }
    Map<Integer, Long> committed;
    try {
      committed = source.committed();
    } catch (RuntimeException e) {
      LOG.debug("request {}: cannot read the ingest group's offsets: {}", key, e.toString());
      return Resolution.notYet(behind + "; the source's offsets cannot be read: " + e.getMessage());
    }
    if (caughtUp(target, committed)) {
      try (Lake l = lake.get()) { // read after the group's offsets: it holds what they cover
        Long id = l.snapshotId();
        if (id != null) {
          forget(key);
          return Resolution.pinned(
              id,
              location(l),
              "ingestion has committed every source record up to end offsets "
                  + new TreeMap<>(target)
                  + " (the source's end when the run was first checked); "
                  + behind);
        }
      }
    }
    return Resolution.notYet(behind);
  }

  /** The source partitions the snapshot accounts for (rows or dead letters). */
  static Set<Integer> lakePartitions(Lake l) {
    Set<Integer> out = new TreeSet<>();
    for (String k : l.offsets().keySet()) {
      int dash = k.lastIndexOf('-');
      try {
        out.add(Integer.parseInt(k.substring(dash + 1)));
      } catch (RuntimeException e) {
        // not a topic-partition key
      }
    }
    return out;
  }

  /**
   * The source partitions with a row of event time at least {@code atLeastMillis} in the snapshot;
   * the scan prunes files by their event-time statistics, reads two columns and stops once every
   * partition of {@code wanted} is found.
   */
  static Set<Integer> partitionsReaching(Lake l, long atLeastMillis, Set<Integer> wanted) {
    Set<Integer> found = new TreeSet<>();
    if (l.isEmpty() || wanted.isEmpty()) {
      return found;
    }
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(l.recordsTable())
            .useSnapshot(l.snapshotId())
            .where(
                Expressions.greaterThanOrEqual(
                    LakeTables.EVENT_TIME, LakeRows.micros(atLeastMillis)))
            .select(LakeTables.EVENT_TIME, CleanSchema.SOURCE_PARTITION)
            .build()) {
      for (Record r : rows) {
        Object partition = r.getField(CleanSchema.SOURCE_PARTITION);
        if (partition != null
            && LakeRows.millis(r.getField(LakeTables.EVENT_TIME)) >= atLeastMillis) {
          found.add(((Number) partition).intValue());
          if (found.containsAll(wanted)) {
            break;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lake's rows", e);
    }
    return found;
  }

  private synchronized Map<Integer, Long> target(String key) {
    Map<Integer, Long> t = targets.get(key);
    if (t == null) {
      t = Map.copyOf(source.endOffsets());
      targets.put(key, t);
    }
    return t;
  }

  private synchronized void forget(String key) {
    targets.remove(key);
  }

  /** Every partition with records has been committed up to its target end offset. */
  static boolean caughtUp(Map<Integer, Long> target, Map<Integer, Long> committed) {
    return target.entrySet().stream()
        .allMatch(e -> e.getValue() == 0 || committed.getOrDefault(e.getKey(), 0L) >= e.getValue());
  }

  private String location(Lake l) {
    return metadataLocations ? l.metadataLocation() : null;
  }

  /** Tag commits that meet a concurrent commit (ingestion appends every few seconds) retry. */
  static final int TAG_ATTEMPTS = 10;

  @Override
  public void keep(long snapshotId) {
    String tag = LakeMaintenance.keepTag(snapshotId);
    try (Lake l = lake.get()) {
      for (int attempt = 1; ; attempt++) {
        try {
          LakeMaintenance.tagSnapshot(l, tag, snapshotId); // refreshes the table first
          break;
        } catch (CommitFailedException e) {
          if (attempt >= TAG_ATTEMPTS) {
            throw e;
          }
          LOG.debug("tagging lake snapshot {} met a concurrent commit; again", snapshotId);
          try {
            Thread.sleep(50L * attempt);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw e;
          }
        }
      }
    }
    LOG.info("lake snapshot {} tagged {}", snapshotId, tag);
  }

  @Override
  public void close() {
    if (source != null) {
      try {
        source.close();
      } catch (Exception e) {
        LOG.debug("closing the source progress: {}", e.toString());
      }
    }
  }
}
