package io.driftgate.core.lake;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.StaticTableOperations;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;

/**
 * A read view of one model's lake, pinned to one snapshot of its records table (the current one
 * unless {@link #at} says otherwise): the only way readers (training, the gate, {@code driftgate
 * lake}, {@code driftgate drift}) see the lake. Files no snapshot references (left by a crashed
 * writer) do not exist for it.
 */
public final class Lake implements Closeable {

  /** Rows and data files of one event-time partition (UTC date + hour). */
  public record Window(String eventDate, int eventHour, long rows, int files) {}

  /** One snapshot of the records table with what its commit added. */
  public record SnapshotInfo(
      long snapshotId,
      long committedAtMillis,
      String operation,
      long addedRows,
      long addedFiles,
      long totalRows,
      long deadLetters,
      Map<String, OffsetRanges> commitOffsets) {}

  private final Closeable catalog;
  private final Table records;
  private final Table deadLetters;
  private final Long pinned;

  private Lake(Closeable catalog, Table records, Table deadLetters, Long pinned) {
    this.catalog = catalog;
    this.records = records;
    this.deadLetters = deadLetters;
    this.pinned = pinned;
  }

  /**
   * The lake of a model, e.g. a spec's (its {@code lake.catalog}, default the embedded one under
   * lake.path).
   */
  public static Lake open(LakeLocation location) {
    return open(location.lakeCatalog(), location.model());
  }

  /** The lake of {@code model} in a catalog; tables that do not exist yet read as empty. */
  public static Lake open(LakeCatalog config, String model) {
    Catalog catalog = config.open();
    Table rec =
        catalog.tableExists(LakeTables.records(model))
            ? catalog.loadTable(LakeTables.records(model))
            : null;
    Table dl =
        catalog.tableExists(LakeTables.deadLetters(model))
            ? catalog.loadTable(LakeTables.deadLetters(model))
            : null;
    return new Lake(closer(catalog), rec, dl, null);
  }

  /**
   * The embedded lake under a folder, when only the folder is known (e.g. {@code driftgate lake
   * --lake DIR}): its catalog holds one model's namespace.
   */
  public static Lake open(Path lakeRoot) {
    if (!Files.exists(lakeRoot.resolve(LakeCatalog.EMBEDDED_DB))) {
      return new Lake(() -> {}, null, null, null);
    }
    LakeCatalog config = LakeCatalog.embedded(lakeRoot);
    Catalog catalog = config.open();
    List<Namespace> namespaces = ((SupportsNamespaces) catalog).listNamespaces();
    closeQuietly(closer(catalog));
    if (namespaces.isEmpty()) {
      return new Lake(() -> {}, null, null, null);
    }
    if (namespaces.size() > 1) {
      throw new IllegalArgumentException(
          "lake " + lakeRoot + " holds several models " + namespaces + "; open it with the spec");
    }
    return open(config, namespaces.get(0).level(0));
  }

  /**
   * The records table read straight from its metadata file (no catalog access), as a training pod
   * does with the location a retrain request carries.
   */
  public static Lake fromMetadata(String metadataLocation, FileIO io) {
    FileIO fileIo =
        io == null ? new HadoopFileIO(new org.apache.hadoop.conf.Configuration(false)) : io;
    Table table =
        new BaseTable(new StaticTableOperations(metadataLocation, fileIo), metadataLocation);
    return new Lake(() -> {}, table, null, null);
  }

  /** The same lake pinned to a snapshot of its records table. */
  public Lake at(long snapshotId) {
    if (records == null || records.snapshot(snapshotId) == null) {
      throw new IllegalArgumentException(
          "lake snapshot "
              + snapshotId
              + " does not exist (expired by lake maintenance, or another lake); run driftgate"
              + " lake to list the snapshots");
    }
    return new Lake(() -> {}, records, deadLetters, snapshotId);
  }

  /** The snapshot this view reads, or null when the lake has no commit yet. */
  public Long snapshotId() {
    if (pinned != null) {
      return pinned;
    }
    Snapshot s = records == null ? null : records.currentSnapshot();
    return s == null ? null : s.snapshotId();
  }

  private Snapshot snapshot() {
    Long id = snapshotId();
    return id == null ? null : records.snapshot(id);
  }

  public boolean isEmpty() {
    return snapshotId() == null;
  }

  /** The records table, or null before the first commit created it. */
  public Table recordsTable() {
    return records;
  }

  public Table deadLetterTable() {
    return deadLetters;
  }

  /** The records table's current metadata file: what a catalog-less reader opens. */
  public String metadataLocation() {
    return records == null
        ? null
        : ((HasTableOperations) records).operations().current().metadataFileLocation();
  }

  /** Rows in the snapshot. */
  public long rows() {
    Snapshot s = snapshot();
    return s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-records", "0"));
  }

  /** Data files in the snapshot. */
  public long dataFiles() {
    Snapshot s = snapshot();
    return s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-data-files", "0"));
  }

  /** Dead letters committed (the dead-letter table's current snapshot). */
  public long deadLetters() {
    Snapshot s = deadLetters == null ? null : deadLetters.currentSnapshot();
    return s == null ? 0 : Long.parseLong(s.summary().getOrDefault("total-records", "0"));
  }

  public Map<String, Long> deadLettersByKind() {
    Snapshot s =
        deadLetters == null
            ? null
            : LakeOffsets.withKey(deadLetters, null, LakeOffsets.DEAD_LETTERS_BY_KIND);
    return s == null
        ? new TreeMap<>()
        : LakeOffsets.decodeCounts(s.summary().get(LakeOffsets.DEAD_LETTERS_BY_KIND));
  }

  /** Offsets the lake accounts for at the snapshot (rows and dead letters), per topic-partition. */
  public Map<String, OffsetRanges> offsets() {
    return records == null ? new TreeMap<>() : LakeOffsets.cumulative(records, snapshotId());
  }

  /** Offsets accounted for in one partition of a topic. */
  public OffsetRanges offsets(String topic, int partition) {
    return offsets().getOrDefault(LakeOffsets.key(topic, partition), new OffsetRanges());
  }

  /** Offsets the dead-letter table accounts for (its own cumulative offsets). */
  public Map<String, OffsetRanges> deadLetterOffsets() {
    return deadLetters == null ? new TreeMap<>() : LakeOffsets.cumulative(deadLetters, null);
  }

  /** Snapshots of the records table up to the pinned one, oldest first. */
  public List<SnapshotInfo> snapshots() {
    List<SnapshotInfo> out = new ArrayList<>();
    Snapshot s = snapshot();
    while (s != null) {
      Map<String, String> m = s.summary();
      out.add(
          0,
          new SnapshotInfo(
              s.snapshotId(),
              s.timestampMillis(),
              s.operation(),
              Long.parseLong(m.getOrDefault("added-records", "0")),
              Long.parseLong(m.getOrDefault("added-data-files", "0")),
              Long.parseLong(m.getOrDefault("total-records", "0")),
              Long.parseLong(m.getOrDefault(LakeOffsets.COMMIT_DEAD_LETTERS, "0")),
              LakeOffsets.decode(m.get(LakeOffsets.COMMIT))));
      s = s.parentId() == null ? null : records.snapshot(s.parentId());
    }
    return out;
  }

  /** Data files of the snapshot (with column statistics). */
  public List<DataFile> files() {
    List<DataFile> out = new ArrayList<>();
    if (isEmpty()) {
      return out;
    }
    try (CloseableIterable<FileScanTask> tasks =
        records.newScan().useSnapshot(snapshotId()).includeColumnStats().planFiles()) {
      tasks.forEach(t -> out.add(t.file()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** Event-time partitions (hours) with their rows, oldest first. */
  public List<Window> windows() {
    Map<Integer, long[]> acc = new TreeMap<>();
    for (DataFile f : files()) {
      Integer hour = f.partition().get(0, Integer.class);
      long[] a = acc.computeIfAbsent(hour, k -> new long[2]);
      a[0] += f.recordCount();
      a[1]++;
    }
    List<Window> out = new ArrayList<>();
    acc.forEach(
        (hour, a) -> {
          var t = Instant.ofEpochSecond(hour * 3600L).atZone(ZoneOffset.UTC);
          out.add(new Window(t.toLocalDate().toString(), t.getHour(), a[0], (int) a[1]));
        });
    return out;
  }

  /** Smallest and largest event time in the snapshot, epoch millis ({@code [min, max]}). */
  public Optional<long[]> eventTimeRange() {
    Types.NestedField field =
        records == null ? null : records.schema().findField(LakeTables.EVENT_TIME);
    long lo = Long.MAX_VALUE;
    long hi = Long.MIN_VALUE;
    for (DataFile f : files()) {
      if (f.recordCount() == 0) {
        continue;
      }
      Long min = Conversions.fromByteBuffer(field.type(), f.lowerBounds().get(field.fieldId()));
      Long max = Conversions.fromByteBuffer(field.type(), f.upperBounds().get(field.fieldId()));
      lo = Math.min(lo, Math.floorDiv(min, 1000L));
      hi = Math.max(hi, Math.floorDiv(max, 1000L));
    }
    return lo > hi ? Optional.empty() : Optional.of(new long[] {lo, hi});
  }

  /** Streams the snapshot's rows with event time in {@code [fromMillis, toMillis)}. */
  public long scan(long fromMillis, long toMillis, Consumer<Record> sink) {
    return scan(
        Expressions.and(
            Expressions.greaterThanOrEqual(LakeTables.EVENT_TIME, LakeRows.micros(fromMillis)),
            Expressions.lessThan(LakeTables.EVENT_TIME, LakeRows.micros(toMillis))),
        r -> {
          // The filter prunes files by their statistics; rows are filtered here.
          long t = LakeRows.millis(r.getField(LakeTables.EVENT_TIME));
          return t >= fromMillis && t < toMillis;
        },
        sink);
  }

  /** Streams every row of the snapshot. */
  public long scanAll(Consumer<Record> sink) {
    return scan(Expressions.alwaysTrue(), r -> true, sink);
  }

  private long scan(
      Expression filter, java.util.function.Predicate<Record> keep, Consumer<Record> sink) {
    if (isEmpty()) {
      return 0;
    }
    long n = 0;
    try (CloseableIterable<Record> rows =
        IcebergGenerics.read(records).useSnapshot(snapshotId()).where(filter).build()) {
      for (Record r : rows) {
        if (keep.test(r)) {
          sink.accept(r);
          n++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read lake rows of " + records.name(), e);
    }
    return n;
  }

  /** Streams every committed dead letter. */
  public long scanDeadLetters(Consumer<Record> sink) {
    if (deadLetters == null || deadLetters.currentSnapshot() == null) {
      return 0;
    }
    long n = 0;
    try (CloseableIterable<Record> rows = IcebergGenerics.read(deadLetters).build()) {
      for (Record r : rows) {
        sink.accept(r);
        n++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return n;
  }

  @Override
  public void close() {
    closeQuietly(catalog);
  }

  private static Closeable closer(Catalog catalog) {
    return catalog instanceof Closeable c ? c : () -> {};
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // Closing a connection pool; nothing to recover.
    }
  }
}
