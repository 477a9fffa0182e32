package io.driftgate.launcher;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.spec.ModelSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SnapshotResolver} on a model's {@link Lake}: a run is pinned to the records table's
 * current snapshot once that snapshot covers the request's event-time range {@code [from, to)},
 * which is the case when either holds:
 *
 * <ol>
 *   <li><b>The lake holds rows at the range end</b>: its newest event time is at least {@code to −
 *       1 ms}. The drift monitor emits a request only after its event-time watermark (newest event
 *       time minus the allowed delay, the minimum over the source partitions) passed {@code to}
 *       plus the allowed lateness, i.e. after the pipeline read past the range end on every
 *       partition; ingestion commits what the partitions read up to a checkpoint together, in one
 *       snapshot. So the lake trails the monitor by about a commit interval ({@code
 *       lake.commitInterval}), and a snapshot holding a row at the range's last millisecond (or
 *       later) holds the range. The bound of this test: a partition that lagged behind the others
 *       when that snapshot's checkpoint was taken may miss rows just before {@code to} that it had
 *       not read yet (the source reads its partitions together, so these are the range's last
 *       moments); rows later than the monitor's allowed lateness are left out by the monitor too.
 *       This is the usual case, and it needs the lake alone.
 *   <li><b>Ingestion has committed everything the source held</b> when the request was first
 *       checked (only with a {@link SourceProgress}): the ingest consumer group's committed offsets
 *       reach the source topic's end offsets read at that first check, and the group's offsets move
 *       only after the lake commit that holds those records. This covers a range that ends after
 *       the last record, e.g. a request triggered by the last, partial window of a stream that has
 *       stopped, where no row at the range end will ever arrive.
 * </ol>
 *
 * The snapshot pinned is the current one, the newest: rows committed after it (later data of the
 * same range) are not read by any step of the run, so tuning, the best model and the gate see the
 * same rows.
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
    String newest;
    try (Lake l = lake.get()) {
      Long id = l.snapshotId();
      if (id == null) {
        newest = "the lake has no commit yet";
      } else {
        Optional<long[]> range = l.eventTimeRange();
        if (range.isPresent() && range.get()[1] >= end) {
          forget(key);
          return Resolution.pinned(
              id,
              location(l),
              "its newest event time "
                  + Instant.ofEpochMilli(range.get()[1])
                  + " reaches the range end "
                  + to);
        }
        newest =
            range.isEmpty()
                ? "the lake holds no rows (snapshot " + id + ")"
                : "the lake's newest event time is "
                    + Instant.ofEpochMilli(range.get()[1])
                    + " (snapshot "
                    + id
                    + ")";
      }
    }
    if (source == null) {
      return Resolution.notYet(newest);
    }
    // The source's end offsets, read at the first check that needs them (after the monitor emitted
    // the request: every record it had read lies below them), then fixed for the request.
    Map<Integer, Long> target;
    Map<Integer, Long> committed;
    try {
      target = target(key);
      committed = source.committed();
    } catch (RuntimeException e) {
      LOG.debug("request {}: cannot read the source's offsets: {}", key, e.toString());
      return Resolution.notYet(newest + "; the source's offsets cannot be read: " + e.getMessage());
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
                  + new java.util.TreeMap<>(target)
                  + " (the source's end when the run was first checked); "
                  + newest);
        }
      }
    }
    return Resolution.notYet(newest);
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
