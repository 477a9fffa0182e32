package io.driftgate.trainer;

import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeRows;
import io.driftgate.core.lake.OffsetRanges;
import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ModelSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileIO;

/**
 * Committed lake rows of one model for an event-time range {@code [from, to)}, read from one
 * snapshot of the lake's Iceberg records table and sorted by event time (ties by partition and
 * offset, so the order depends neither on file listing order nor on the snapshot's file layout).
 *
 * <p>Only rows of data files the snapshot references are read ({@link Lake}): files a crashed
 * writer left uncommitted, and files committed after the snapshot, do not exist for training. Rows
 * without a label are skipped and counted. The Kafka offsets of the rows used are kept per {@code
 * topic-partition} (the topic is the spec's {@code source.kafka.topic}), so that a model can be
 * traced back to its source records.
 */
public final class LakeDataset {

  /**
   * One lake row.
   *
   * @param id record id (may be null when the spec has no id field)
   * @param eventTime epoch millis
   * @param features feature name to value (Double; String for categorical and text; byte[] for
   *     image; or null)
   * @param label the class (0 or 1 for a binary label, 0.. for a multiclass one)
   * @param topic source topic
   * @param partition source partition
   * @param offset source offset
   */
  public record Row(
      String id,
      long eventTime,
      Map<String, Object> features,
      int label,
      String topic,
      int partition,
      long offset) {}

  /** A temporal split: validation holds the newest rows. */
  public record Split(List<Row> train, List<Row> validation) {}

  private final List<Row> rows;
  private final long from;
  private final long to;
  private final long unlabeled;
  private final Map<String, OffsetRanges> offsets;
  private final Long snapshotId;
  private final String metadataLocation;

  private LakeDataset(
      List<Row> rows,
      long from,
      long to,
      long unlabeled,
      Map<String, OffsetRanges> offsets,
      Long snapshotId,
      String metadataLocation) {
    this.rows = rows;
    this.from = from;
    this.to = to;
    this.unlabeled = unlabeled;
    this.offsets = offsets;
    this.snapshotId = snapshotId;
    this.metadataLocation = metadataLocation;
  }

  /**
   * Loads the rows with event time in {@code [fromMillis, toMillis)} from the lake's current
   * snapshot.
   */
  public static LakeDataset load(ModelSpec spec, Path lakeRoot, long fromMillis, long toMillis) {
    return load(spec, lakeRoot, null, fromMillis, toMillis);
  }

  /**
   * Loads the rows with event time in {@code [fromMillis, toMillis)} from one snapshot of the lake.
   *
   * @param lakeRoot the lake folder (its embedded catalog), unless the spec configures {@code
   *     lake.catalog}
   * @param snapshotId a snapshot of the lake's records table, or null for the current one
   * @throws IllegalArgumentException when the snapshot does not exist
   */
  public static LakeDataset load(
      ModelSpec spec, Path lakeRoot, Long snapshotId, long fromMillis, long toMillis) {
    return withLake(
        spec, lakeRoot, null, snapshotId, lake -> load(spec, lake, fromMillis, toMillis));
  }

  /**
   * Loads the rows with event time in {@code [fromMillis, toMillis)} from a lake view, e.g. one
   * opened catalog-free with {@link Lake#fromMetadata} and pinned with {@link Lake#at}: the view's
   * snapshot is the one read.
   */
  public static LakeDataset load(ModelSpec spec, Lake lake, long fromMillis, long toMillis) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(lake, "lake");
    if (toMillis <= fromMillis) {
      throw new IllegalArgumentException("empty range: [" + fromMillis + ", " + toMillis + ")");
    }
    // Resolved once: a view that follows the table must not move between scan and lineage.
    Long snapshot = lake.snapshotId();
    Lake pinned = snapshot == null ? lake : lake.at(snapshot);
    String topic = spec.source().kafka().topic();
    List<FeatureSpec> features = spec.features();
    String labelField = spec.label().field();
    List<Row> rows = new ArrayList<>();
    long[] unlabeled = {0};
    pinned.scan(
        fromMillis,
        toMillis,
        r -> {
          Object label = r.getField(labelField);
          if (label == null) {
            unlabeled[0]++;
            return;
          }
          rows.add(toRow(r, features, topic, ((Number) label).intValue()));
        });
    rows.sort(
        Comparator.comparingLong(Row::eventTime)
            .thenComparing(Row::topic)
            .thenComparingInt(Row::partition)
            .thenComparingLong(Row::offset));
    Map<String, List<Long>> offsetsByPartition = new TreeMap<>();
    for (Row r : rows) {
      offsetsByPartition
          .computeIfAbsent(r.topic() + "-" + r.partition(), k -> new ArrayList<>())
          .add(r.offset());
    }
    Map<String, OffsetRanges> offsets = new TreeMap<>();
    offsetsByPartition.forEach(
        (k, v) -> offsets.put(k, OffsetRanges.fromOffsets(v.stream().mapToLong(x -> x).toArray())));
    return new LakeDataset(
        Collections.unmodifiableList(rows),
        fromMillis,
        toMillis,
        unlabeled[0],
        Collections.unmodifiableMap(offsets),
        snapshot,
        lake.metadataLocation());
  }

  /**
   * Runs {@code body} on the spec's lake pinned to a snapshot, and closes the lake afterwards.
   *
   * @param lakeRoot the lake folder whose embedded catalog holds the tables; ignored when the spec
   *     configures {@code lake.catalog}; null for the spec's {@code lake.path}
   * @param metadataLocation the records table's metadata file, to read without any catalog (as a
   *     training pod does); null to go through the catalog
   * @param snapshotId the snapshot to pin, or null for the current one (resolved once, here)
   */
  public static <T> T withLake(
      ModelSpec spec,
      Path lakeRoot,
      String metadataLocation,
      Long snapshotId,
      Function<Lake, T> body) {
    try (Lake lake = open(spec, lakeRoot, metadataLocation)) {
      Long id = snapshotId != null ? snapshotId : lake.snapshotId();
      return body.apply(id == null ? lake : lake.at(id));
    }
  }

  /**
   * Opens the lake of a spec (following its current snapshot): catalog-free from {@code
   * metadataLocation} when given, else the spec's {@code lake.catalog} when configured, else the
   * embedded catalog under {@code lakeRoot} (the spec's {@code lake.path} when null).
   */
  public static Lake open(ModelSpec spec, Path lakeRoot, String metadataLocation) {
    if (metadataLocation != null && !metadataLocation.isBlank()) {
      return Lake.fromMetadata(metadataLocation, fileIo(spec));
    }
    if (spec.lake().hasConfiguredCatalog()) {
      return Lake.open(spec);
    }
    Path root = lakeRoot != null ? lakeRoot : spec.lake().path();
    if (!Files.exists(root.resolve(LakeCatalog.EMBEDDED_DB))) {
      // Nothing ingested there yet: an empty lake, without creating a catalog as a side effect.
      return Lake.open(root);
    }
    return Lake.open(LakeCatalog.embedded(root), spec.model());
  }

  /** The FileIO of the spec's catalog (e.g. GCS), or null for Hadoop's (local files). */
  private static FileIO fileIo(ModelSpec spec) {
    Map<String, String> props = spec.lake().catalog().catalogProperties();
    String impl = props.get(CatalogProperties.FILE_IO_IMPL);
    return impl == null
        ? null
        : CatalogUtil.loadFileIO(impl, props, new org.apache.hadoop.conf.Configuration(false));
  }

  private static Row toRow(Record r, List<FeatureSpec> features, String topic, int label) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (FeatureSpec f : features) {
      Object v = r.getField(f.name());
      if (v == null) {
        values.put(f.name(), null);
      } else if (f.isNumeric()) {
        values.put(f.name(), ((Number) v).doubleValue());
      } else if (f.isImage()) {
        values.put(f.name(), bytes(v));
      } else {
        values.put(f.name(), text(v));
      }
    }
    Object id = r.getField(CleanSchema.ID);
    return new Row(
        id == null ? null : text(id),
        LakeRows.millis(r.getField(CleanSchema.EVENT_TIME)),
        Collections.unmodifiableMap(values),
        label,
        topic,
        ((Number) r.getField(CleanSchema.SOURCE_PARTITION)).intValue(),
        ((Number) r.getField(CleanSchema.SOURCE_OFFSET)).longValue());
  }

  /** An image column's stored bytes (Iceberg binary), copied. */
  private static byte[] bytes(Object v) {
    if (v instanceof ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      byte[] out = new byte[d.remaining()];
      d.get(out);
      return out;
    }
    if (v instanceof byte[] a) {
      return a.clone();
    }
    throw new IllegalStateException("image column holds a " + v.getClass().getName());
  }

  private static String text(Object v) {
    if (v instanceof ByteBuffer b) {
      return StandardCharsets.UTF_8.decode(b.duplicate()).toString();
    }
    return v.toString();
  }

  /**
   * Temporal split: the newest {@code validationFraction} of the rows (by event time) are the
   * validation set, at least one row on each side.
   */
  public Split split(double validationFraction) {
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("validationFraction must be in (0, 1)");
    }
    if (rows.size() < 2) {
      throw new IllegalStateException("need at least 2 labelled rows, have " + rows.size());
    }
    int nVal = (int) Math.ceil(rows.size() * validationFraction);
    nVal = Math.max(1, Math.min(rows.size() - 1, nVal));
    int cut = rows.size() - nVal;
    return new Split(rows.subList(0, cut), rows.subList(cut, rows.size()));
  }

  /** Labelled rows, oldest first. */
  public List<Row> rows() {
    return rows;
  }

  public long from() {
    return from;
  }

  public long to() {
    return to;
  }

  /** Rows in range that had no label yet (skipped). */
  public long unlabeledRows() {
    return unlabeled;
  }

  /** Offsets of the rows used, per {@code topic-partition}. */
  public Map<String, OffsetRanges> offsetRanges() {
    return offsets;
  }

  /** The snapshot of the lake's records table that was read, or null when the lake was empty. */
  public Long snapshotId() {
    return snapshotId;
  }

  /** The records table's metadata file when read (a catalog-free reader's entry point), or null. */
  public String metadataLocation() {
    return metadataLocation;
  }
}
