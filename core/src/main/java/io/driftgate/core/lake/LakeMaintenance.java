package io.driftgate.core.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ExpireSnapshots;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.apache.iceberg.parquet.Parquet;

/**
 * Keeps a lake's Iceberg tables small and tidy with the Iceberg core API alone (no engine): {@code
 * driftgate lake maintain}. For each table (records, then dead letters), in this order:
 *
 * <ol>
 *   <li><b>Compaction</b>: per partition, data files smaller than the target size are bin-packed
 *       and each bin of two or more is rewritten into one file ({@link LakeFileWriter}), committed
 *       as one {@code replace} snapshot. Rows are unchanged; the snapshot carries over the
 *       driftgate summary properties ({@link LakeOffsets#CUMULATIVE}, {@link
 *       LakeOffsets#DEAD_LETTERS_BY_KIND}) of the snapshot it replaces, so readers and the ingest
 *       committer still find them once older snapshots are expired.
 *   <li><b>Snapshot expiry</b>: snapshots older than the retention go, except the last {@code
 *       retainLast} and every snapshot a registered model was trained on (the {@code keep} ids),
 *       which are protected by Iceberg tags ({@link #keepTag}) that never expire. Files only
 *       expired snapshots referenced are deleted.
 *   <li><b>Orphan removal</b>: files under the table location that no snapshot or metadata file
 *       reachable from the current metadata references (data files of crashed writers, manifests of
 *       failed commits) and older than a grace period are deleted.
 * </ol>
 *
 * <p>Safe to run while ingestion commits: the compaction commit is a compare-and-swap on the
 * catalog (a concurrent append makes it retry with that append's offsets), snapshot expiry is
 * Iceberg's own, and the grace period keeps files a live writer has not committed yet.
 */
public final class LakeMaintenance {
  /** Default target size of compacted files: 128 MiB. */
  public static final long DEFAULT_TARGET_FILE_SIZE = 128L << 20;

  /** Prefix of the tags that protect model-referenced snapshots from expiry. */
  public static final String KEEP_TAG_PREFIX = "driftgate-keep-";

  /** {@code driftgate.writer} of compaction snapshots. */
  public static final String WRITER = "lake-maintenance";

  private static final int COMMIT_ATTEMPTS = 10;

  /** Summary properties a compaction snapshot copies from the snapshot it replaces. */
  private static final List<String> CARRIED =
      List.of(LakeOffsets.CUMULATIVE, LakeOffsets.DEAD_LETTERS_BY_KIND);

  private LakeMaintenance() {}

  /**
   * What to do.
   *
   * @param targetFileSizeBytes files smaller than this are compacted, into files up to this size
   * @param snapshotRetention snapshots older than this may expire
   * @param retainLast the newest snapshots always kept, whatever their age (at least 1)
   * @param orphanGrace files younger than this are never orphans (a writer may still commit them)
   * @param dryRun plan and report only: nothing is written, committed or deleted
   */
  public record Options(
      long targetFileSizeBytes,
      Duration snapshotRetention,
      int retainLast,
      Duration orphanGrace,
      boolean dryRun) {

    public Options {
      if (targetFileSizeBytes <= 0) {
        throw new IllegalArgumentException(
            "target file size must be positive, got " + targetFileSizeBytes);
      }
      Objects.requireNonNull(snapshotRetention, "snapshotRetention");
      Objects.requireNonNull(orphanGrace, "orphanGrace");
      if (snapshotRetention.isNegative() || orphanGrace.isNegative()) {
        throw new IllegalArgumentException("retention and grace period must not be negative");
      }
      if (retainLast < 1) {
        throw new IllegalArgumentException("retain-last must be at least 1, got " + retainLast);
      }
    }

    /** 128 MiB files, snapshots kept a day (and the last 10), orphans older than an hour. */
    public static Options defaults() {
      return new Options(
          DEFAULT_TARGET_FILE_SIZE, Duration.ofDays(1), 10, Duration.ofHours(1), false);
    }

    public Options withTargetFileSizeBytes(long bytes) {
      return new Options(bytes, snapshotRetention, retainLast, orphanGrace, dryRun);
    }

    public Options withSnapshotRetention(Duration retention) {
      return new Options(targetFileSizeBytes, retention, retainLast, orphanGrace, dryRun);
    }

    public Options withRetainLast(int n) {
      return new Options(targetFileSizeBytes, snapshotRetention, n, orphanGrace, dryRun);
    }

    public Options withOrphanGrace(Duration grace) {
      return new Options(targetFileSizeBytes, snapshotRetention, retainLast, grace, dryRun);
    }

    public Options withDryRun(boolean dry) {
      return new Options(targetFileSizeBytes, snapshotRetention, retainLast, orphanGrace, dry);
    }
  }

  /**
   * What maintenance did to one table (or, in a dry run, would do).
   *
   * @param table the table's name, or null when the table does not exist yet
   * @param filesRewritten small data files replaced by compaction
   * @param bytesRewritten their size
   * @param filesAdded compacted files written in their place (in a dry run: bins planned)
   * @param bytesAdded their size (0 in a dry run)
   * @param rewriteSnapshotId the compaction's {@code replace} snapshot, or null when none
   * @param snapshotsExpired snapshots removed from the table's metadata
   * @param expiredFilesDeleted data, manifest and manifest-list files only expired snapshots used
   * @param tagsCreated tags created to protect kept snapshots
   * @param orphans orphan files removed (in a dry run: found)
   * @param orphanBytes their size
   */
  public record TableResult(
      String table,
      int filesRewritten,
      long bytesRewritten,
      int filesAdded,
      long bytesAdded,
      Long rewriteSnapshotId,
      int snapshotsExpired,
      int expiredFilesDeleted,
      List<String> tagsCreated,
      List<String> orphans,
      long orphanBytes) {

    public TableResult {
      tagsCreated = List.copyOf(tagsCreated);
      orphans = List.copyOf(orphans);
    }

    static TableResult none() {
      return new TableResult(null, 0, 0, 0, 0, null, 0, 0, List.of(), List.of(), 0);
    }

    public int orphansRemoved() {
      return orphans.size();
    }
  }

  /**
   * What maintenance did to a lake.
   *
   * @param keepMissing kept snapshot ids the records table does not hold (expired before they were
   *     protected, or of another lake)
   */
  public record Result(
      boolean dryRun, TableResult records, TableResult deadLetters, Set<Long> keepMissing) {
    public Result {
      keepMissing = Set.copyOf(keepMissing);
    }
  }

  /**
   * Maintains both tables of a lake. {@code keep} are records-table snapshot ids that registered
   * models point to (the caller gathers them); they are tagged and survive expiry.
   */
  public static Result maintain(Lake lake, Set<Long> keep, Options options) {
    Table records = lake.recordsTable();
    Set<Long> missing = new TreeSet<>();
    if (records != null) {
      records.refresh();
      for (Long id : keep) {
        if (records.snapshot(id) == null) {
          missing.add(id);
        }
      }
    } else {
      missing.addAll(keep);
    }
    TableResult r = maintain(records, keep, options);
    TableResult d = maintain(lake.deadLetterTable(), Set.of(), options);
    return new Result(options.dryRun(), r, d, missing);
  }

  /** Compacts, expires and removes orphans of one table; a null table is left alone. */
  public static TableResult maintain(Table table, Set<Long> keep, Options options) {
    if (table == null) {
      return TableResult.none();
    }
    table.refresh();
    Compaction c = compact(table, options, null);
    List<String> tags = options.dryRun() ? List.of() : protect(table, keep);
    int[] expired = expire(table, keep, options);
    List<FileInfo> orphans = removeOrphans(table, options.orphanGrace(), options.dryRun());
    return new TableResult(
        table.name(),
        c.removed.size(),
        c.removed.stream().mapToLong(DataFile::fileSizeInBytes).sum(),
        options.dryRun() ? c.bins : c.added.size(),
        c.added.stream().mapToLong(DataFile::fileSizeInBytes).sum(),
        c.snapshotId,
        expired[0],
        expired[1],
        tags,
        orphans.stream().map(FileInfo::location).toList(),
        orphans.stream().mapToLong(FileInfo::size).sum());
  }

  /** The tag that protects a model-referenced snapshot. */
  public static String keepTag(long snapshotId) {
    return KEEP_TAG_PREFIX + snapshotId;
  }

  /**
   * Tags a snapshot of the lake's records table (see {@link #tagSnapshot(Table, String, long)}).
   */
  public static void tagSnapshot(Lake lake, String tag, long snapshotId) {
    if (lake.recordsTable() == null) {
      throw new IllegalArgumentException(
          "cannot tag lake snapshot " + snapshotId + ": the lake has no records table yet");
    }
    tagSnapshot(lake.recordsTable(), tag, snapshotId);
  }

  /**
   * Points tag {@code tag} at a snapshot, creating it or moving it. A tag without a maximum age
   * keeps its snapshot (and the snapshot's files) through every expiry: the launcher tags the
   * snapshot a promoted model was trained on.
   *
   * @throws IllegalArgumentException when the snapshot does not exist or {@code tag} is a branch
   */
  public static void tagSnapshot(Table table, String tag, long snapshotId) {
    table.refresh();
    if (table.snapshot(snapshotId) == null) {
      throw new IllegalArgumentException(
          "cannot tag lake snapshot " + snapshotId + " of " + table.name() + ": it does not exist");
    }
    SnapshotRef ref = table.refs().get(tag);
    if (ref != null && ref.isBranch()) {
      throw new IllegalArgumentException(
          "cannot tag lake snapshot " + snapshotId + " as " + tag + ": " + tag + " is a branch");
    }
    if (ref != null && ref.snapshotId() == snapshotId) {
      return;
    }
    ManageSnapshots m = table.manageSnapshots();
    (ref == null ? m.createTag(tag, snapshotId) : m.replaceTag(tag, snapshotId)).commit();
    table.refresh();
  }

  // ---------------------------------------------------------------------------------------------
  // Compaction

  /** What compaction planned and did. */
  static final class Compaction {
    final List<DataFile> removed = new ArrayList<>();
    final List<DataFile> added = new ArrayList<>();
    int bins;
    Long snapshotId;
  }

  /**
   * Bin-packs small files of each partition and rewrites every bin of two or more files.
   *
   * @param beforeCommit run after the new files are written, before the commit (tests use it to
   *     commit concurrently); null for none
   */
  static Compaction compact(Table table, Options options, Runnable beforeCommit) {
    Compaction c = new Compaction();
    table.refresh();
    Snapshot base = table.currentSnapshot();
    if (base == null) {
      return c;
    }
    long target = options.targetFileSizeBytes();
    PartitionSpec spec = table.spec();
    Map<String, List<DataFile>> byPartition = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks =
        table.newScan().useSnapshot(base.snapshotId()).planFiles()) {
      for (FileScanTask t : tasks) {
        DataFile f = t.file();
        // Files of an older partition spec, with row deletes or of another format stay as they are
        // (driftgate writes none of those).
        if (f.specId() != spec.specId()
            || !t.deletes().isEmpty()
            || f.format() != FileFormat.PARQUET
            || f.fileSizeInBytes() >= target
            || !seen.add(f.location())) {
          continue;
        }
        byPartition
            .computeIfAbsent(spec.partitionToPath(f.partition()), k -> new ArrayList<>())
            .add(f.copyWithoutStats());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot plan the compaction of " + table.name(), e);
    }
    List<List<DataFile>> bins = new ArrayList<>();
    for (List<DataFile> files : byPartition.values()) {
      for (List<DataFile> bin : binPack(files, target)) {
        if (bin.size() >= 2) {
          bins.add(bin);
        }
      }
    }
    bins.forEach(c.removed::addAll);
    c.bins = bins.size();
    if (bins.isEmpty() || options.dryRun()) {
      return c;
    }
    try {
      for (List<DataFile> bin : bins) {
        c.added.addAll(rewrite(table, bin));
      }
      long before = c.removed.stream().mapToLong(DataFile::recordCount).sum();
      long after = c.added.stream().mapToLong(DataFile::recordCount).sum();
      if (before != after) {
        throw new IllegalStateException(
            "compaction of "
                + table.name()
                + " read "
                + after
                + " rows from files that hold "
                + before
                + "; nothing was committed");
      }
      if (beforeCommit != null) {
        beforeCommit.run();
      }
      c.snapshotId = commitRewrite(table, base.snapshotId(), c.removed, c.added).snapshotId();
      return c;
    } catch (RuntimeException e) {
      if (!(e instanceof org.apache.iceberg.exceptions.CommitStateUnknownException)) {
        c.added.forEach(f -> deleteQuietly(table.io(), f.location()));
      }
      throw e;
    }
  }

  /** First-fit decreasing: bins of files whose sizes add up to at most {@code target}. */
  static List<List<DataFile>> binPack(List<DataFile> files, long target) {
    List<DataFile> sorted = new ArrayList<>(files);
    sorted.sort(
        Comparator.comparingLong(DataFile::fileSizeInBytes)
            .reversed()
            .thenComparing(DataFile::location));
    List<List<DataFile>> bins = new ArrayList<>();
    List<Long> sizes = new ArrayList<>();
    for (DataFile f : sorted) {
      int i = 0;
      while (i < bins.size() && sizes.get(i) + f.fileSizeInBytes() > target) {
        i++;
      }
      if (i == bins.size()) {
        bins.add(new ArrayList<>());
        sizes.add(0L);
      }
      bins.get(i).add(f);
      sizes.set(i, sizes.get(i) + f.fileSizeInBytes());
    }
    return bins;
  }

  /** Reads the files of one bin (one partition) and writes their rows into one new file. */
  private static List<DataFile> rewrite(Table table, List<DataFile> bin) {
    Schema schema = table.schema();
    try (LakeFileWriter writer = new LakeFileWriter(table, 0)) {
      for (DataFile f : bin) {
        try (CloseableIterable<Record> rows =
            Parquet.read(table.io().newInputFile(f.location(), f.fileSizeInBytes()))
                .project(schema)
                .createReaderFunc(
                    fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
                .build()) {
          rows.forEach(writer::write);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read lake file " + f.location(), e);
        }
      }
      return writer.finish();
    }
  }

  /**
   * Commits the rewrite as a compare-and-swap of the table metadata, with the driftgate summary
   * properties of the snapshot it lands on. Iceberg's own commit would retry on a concurrent append
   * by re-applying the change with the properties it was given, i.e. the offsets before that
   * append: readers would then think the append's offsets missing and the ingest job would commit
   * them again. Here each attempt reads the properties of the parent it applies to.
   */
  private static Snapshot commitRewrite(
      Table table, long readSnapshotId, List<DataFile> removed, List<DataFile> added) {
    TableOperations ops = ((HasTableOperations) table).operations();
    CommitFailedException last = null;
    for (int attempt = 0; attempt < COMMIT_ATTEMPTS; attempt++) {
      TableMetadata current = ops.refresh();
      Snapshot parent = current.currentSnapshot();
      RewriteFiles rewrite = table.newRewrite().validateFromSnapshot(readSnapshotId);
      removed.forEach(rewrite::deleteFile);
      added.forEach(rewrite::addFile);
      for (String key : CARRIED) {
        Snapshot with = LakeOffsets.withKey(table, parent.snapshotId(), key);
        if (with != null) {
          rewrite.set(key, with.summary().get(key));
        }
      }
      rewrite.set("driftgate.writer", WRITER);
      Snapshot staged = rewrite.apply();
      TableMetadata seen = ops.current();
      if (seen.metadataFileLocation().equals(current.metadataFileLocation())
          && Objects.equals(staged.parentId(), parent.snapshotId())) {
        TableMetadata updated =
            TableMetadata.buildFrom(seen)
                .setBranchSnapshot(staged, SnapshotRef.MAIN_BRANCH)
                .build();
        try {
          ops.commit(seen, updated);
          table.refresh();
          return staged;
        } catch (CommitFailedException e) {
          last = e;
        }
      }
      deleteStaged(table.io(), staged);
    }
    throw new IllegalStateException(
        "cannot commit the compaction of "
            + table.name()
            + ": the table changed on each of "
            + COMMIT_ATTEMPTS
            + " attempts",
        last);
  }

  /** Deletes the manifest list and manifests an uncommitted snapshot wrote. */
  private static void deleteStaged(FileIO io, Snapshot staged) {
    for (ManifestFile m : staged.allManifests(io)) {
      if (m.snapshotId() != null && m.snapshotId() == staged.snapshotId()) {
        deleteQuietly(io, m.path());
      }
    }
    if (staged.manifestListLocation() != null) {
      deleteQuietly(io, staged.manifestListLocation());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Snapshot expiry

  /** Tags every kept snapshot that exists and no never-expiring tag protects yet. */
  private static List<String> protect(Table table, Set<Long> keep) {
    table.refresh();
    Set<Long> tagged = new HashSet<>();
    table
        .refs()
        .values()
        .forEach(
            r -> {
              if (r.isTag() && r.maxRefAgeMs() == null) {
                tagged.add(r.snapshotId());
              }
            });
    List<String> created = new ArrayList<>();
    ManageSnapshots m = table.manageSnapshots();
    for (long id : new TreeSet<>(keep)) {
      if (table.snapshot(id) != null && !tagged.contains(id)) {
        m.createTag(keepTag(id), id);
        created.add(keepTag(id));
      }
    }
    if (!created.isEmpty()) {
      m.commit();
      table.refresh();
    }
    return created;
  }

  /** Expires snapshots; returns {expired snapshots, deleted files}. */
  private static int[] expire(Table table, Set<Long> keep, Options options) {
    table.refresh();
    if (table.currentSnapshot() == null) {
      return new int[2];
    }
    int[] out = new int[2];
    ExpireSnapshots expire =
        table
            .expireSnapshots()
            .expireOlderThan(System.currentTimeMillis() - options.snapshotRetention().toMillis())
            .retainLast(options.retainLast());
    if (options.dryRun()) {
      // Kept snapshots are not tagged in a dry run: leave them out of the count by hand.
      out[0] = (int) expire.apply().stream().filter(s -> !keep.contains(s.snapshotId())).count();
      return out;
    }
    Set<Long> before = new HashSet<>();
    table.snapshots().forEach(s -> before.add(s.snapshotId()));
    FileIO io = table.io();
    expire
        .deleteWith(
            path -> {
              io.deleteFile(path);
              out[1]++;
            })
        .commit();
    table.refresh();
    table.snapshots().forEach(s -> before.remove(s.snapshotId()));
    out[0] = before.size();
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Orphan files

  /**
   * Deletes (or, in a dry run, only lists) the files under the table's location that nothing
   * reachable from its current metadata references, and that are older than {@code grace}.
   */
  static List<FileInfo> removeOrphans(Table table, Duration grace, boolean dryRun) {
    long cutoff = System.currentTimeMillis() - grace.toMillis();
    // List first, then read the metadata: a commit in between only adds references.
    List<FileInfo> listed = listFiles(table);
    TableOperations ops = ((HasTableOperations) table).operations();
    TableMetadata metadata = ops.refresh();
    Set<String> reachable = reachable(table.io(), metadata);
    Set<String> listedNames = new HashSet<>();
    listed.forEach(f -> listedNames.add(normalize(f.location())));
    String current = normalize(metadata.metadataFileLocation());
    if (current.startsWith(normalize(location(table))) && !listedNames.contains(current)) {
      // The listing and the metadata name files differently: deleting anything would be a guess.
      throw new IllegalStateException(
          "not removing orphans of "
              + table.name()
              + ": the current metadata file "
              + metadata.metadataFileLocation()
              + " is not among the files listed under "
              + location(table));
    }
    List<FileInfo> orphans = new ArrayList<>();
    for (FileInfo f : listed) {
      if (!reachable.contains(normalize(f.location())) && f.createdAtMillis() <= cutoff) {
        orphans.add(f);
      }
    }
    orphans.sort(Comparator.comparing(FileInfo::location));
    if (!dryRun) {
      orphans.forEach(f -> table.io().deleteFile(f.location()));
    }
    return orphans;
  }

  /** Every file the metadata reaches: metadata files, manifest lists, manifests, content files. */
  static Set<String> reachable(FileIO io, TableMetadata metadata) {
    Set<String> out = new HashSet<>();
    out.add(normalize(metadata.metadataFileLocation()));
    metadata.previousFiles().forEach(e -> out.add(normalize(e.file())));
    metadata.statisticsFiles().forEach(s -> out.add(normalize(s.path())));
    metadata.partitionStatisticsFiles().forEach(s -> out.add(normalize(s.path())));
    Set<String> manifests = new HashSet<>();
    for (Snapshot s : metadata.snapshots()) {
      if (s.manifestListLocation() != null) {
        out.add(normalize(s.manifestListLocation()));
      }
      for (ManifestFile m : s.allManifests(io)) {
        if (!manifests.add(m.path())) {
          continue;
        }
        out.add(normalize(m.path()));
        try {
          if (m.content() == ManifestContent.DATA) {
            try (CloseableIterable<String> paths = ManifestFiles.readPaths(m, io)) {
              paths.forEach(p -> out.add(normalize(p)));
            }
          } else {
            try (ManifestReader<DeleteFile> r =
                ManifestFiles.readDeleteManifest(m, io, metadata.specsById())) {
              r.forEach(f -> out.add(normalize(f.location())));
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read manifest " + m.path(), e);
        }
      }
    }
    return out;
  }

  private static String location(Table table) {
    String l = table.location();
    return l.endsWith("/") ? l : l + "/";
  }

  /** Every file under the table's location, through its FileIO or, locally, the file system. */
  private static List<FileInfo> listFiles(Table table) {
    List<FileInfo> out = new ArrayList<>();
    String prefix = location(table);
    if (table.io() instanceof SupportsPrefixOperations io) {
      try {
        io.listPrefix(prefix).forEach(out::add);
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof java.io.FileNotFoundException)) {
          throw e;
        }
      }
      return out;
    }
    String local = normalize(prefix);
    if (local.contains("://")) {
      throw new IllegalStateException(
          "cannot list the files of "
              + table.name()
              + " at "
              + prefix
              + ": its FileIO "
              + table.io().getClass().getName()
              + " cannot list a prefix");
    }
    Path dir = Path.of(local);
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        out.add(new FileInfo(p.toString(), a.size(), a.lastModifiedTime().toMillis()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return out;
  }

  /**
   * One spelling per file: local files lose their {@code file:} scheme and repeated slashes (Hadoop
   * lists {@code file:/a/b}, Iceberg metadata says {@code /a/b}); others stay as they are.
   */
  static String normalize(String location) {
    String s = location;
    if (s.startsWith("file://")) {
      s = s.substring("file://".length());
    } else if (s.startsWith("file:")) {
      s = s.substring("file:".length());
    }
    if (s.startsWith("/")) {
      s = s.replaceAll("/{2,}", "/");
    }
    return s;
  }

  private static void deleteQuietly(FileIO io, String location) {
    try {
      io.deleteFile(location);
    } catch (RuntimeException e) {
      // Left for orphan removal.
    }
  }
}
