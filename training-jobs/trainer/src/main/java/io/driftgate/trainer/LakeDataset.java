package io.driftgate.trainer;

import io.driftgate.core.ingest.CleanSchema;
import io.driftgate.core.lake.CommitMarker;
import io.driftgate.core.lake.CommitMarker.FileKind;
import io.driftgate.core.lake.CommitMarker.LakeFile;
import io.driftgate.core.lake.LakeIndex;
import io.driftgate.core.lake.OffsetRanges;
import io.driftgate.core.lake.ParquetFiles;
import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.generic.GenericRecord;

/**
 * Committed lake rows of one model for an event-time range {@code [from, to)}, sorted by event time
 * (ties by partition and offset, so the order does not depend on file listing order).
 *
 * <p>Only files listed by a published commit marker are read ({@link LakeIndex}); an orphan file
 * left by a crashed writer does not exist for training. Rows without a label are skipped and
 * counted. The Kafka offsets of the rows used are kept per {@code topic-partition}, so that a model
 * can be traced back to its source records.
 */
public final class LakeDataset {

  /**
   * One lake row.
   *
   * @param id record id (may be null when the spec has no id field)
   * @param eventTime epoch millis
   * @param features feature name to value (Double, String or null)
   * @param label binary label (0 or 1)
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
  private final List<String> commitIds;
  private final List<String> files;

  private LakeDataset(
      List<Row> rows,
      long from,
      long to,
      long unlabeled,
      Map<String, OffsetRanges> offsets,
      List<String> commitIds,
      List<String> files) {
    this.rows = rows;
    this.from = from;
    this.to = to;
    this.unlabeled = unlabeled;
    this.offsets = offsets;
    this.commitIds = commitIds;
    this.files = files;
  }

  /** Loads the committed rows with event time in {@code [fromMillis, toMillis)}. */
  public static LakeDataset load(ModelSpec spec, Path lakeRoot, long fromMillis, long toMillis) {
    Objects.requireNonNull(spec, "spec");
    if (toMillis <= fromMillis) {
      throw new IllegalArgumentException("empty range: [" + fromMillis + ", " + toMillis + ")");
    }
    LakeIndex index = LakeIndex.load(lakeRoot);
    // File path -> topic of the commit that lists it.
    Map<String, String> topicOfFile = new HashMap<>();
    for (CommitMarker c : index.commits()) {
      for (LakeFile f : c.files()) {
        if (f.kind() == FileKind.DATA) {
          topicOfFile.put(f.path(), c.topic());
        }
      }
    }
    List<FeatureSpec> features = spec.features();
    String labelField = spec.label().field();
    List<Row> rows = new ArrayList<>();
    long[] unlabeled = {0};
    TreeSet<String> commitIds = new TreeSet<>();
    List<String> files = new ArrayList<>();
    for (CommitMarker c : index.commits()) {
      for (LakeFile f : c.files()) {
        if (f.kind() != FileKind.DATA
            || f.maxEventTime() < fromMillis
            || f.minEventTime() >= toMillis) {
          continue;
        }
        commitIds.add(c.commitId());
        files.add(f.path());
        String topic = topicOfFile.get(f.path());
        ParquetFiles.read(
            index.layout().resolve(f.path()),
            r -> {
              long t = ((Number) r.get(CleanSchema.EVENT_TIME)).longValue();
              if (t < fromMillis || t >= toMillis) {
                return;
              }
              Object label = r.get(labelField);
              if (label == null) {
                unlabeled[0]++;
                return;
              }
              rows.add(toRow(r, features, topic, t, ((Number) label).intValue()));
            });
      }
    }
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
        List.copyOf(commitIds),
        List.copyOf(files));
  }

  private static Row toRow(
      GenericRecord r, List<FeatureSpec> features, String topic, long eventTime, int label) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (FeatureSpec f : features) {
      Object v = r.get(f.name());
      if (v == null) {
        values.put(f.name(), null);
      } else if (f.isNumeric()) {
        values.put(f.name(), ((Number) v).doubleValue());
      } else {
        values.put(f.name(), v.toString());
      }
    }
    Object id = r.get(CleanSchema.ID);
    return new Row(
        id == null ? null : id.toString(),
        eventTime,
        Collections.unmodifiableMap(values),
        label,
        topic,
        ((Number) r.get(CleanSchema.SOURCE_PARTITION)).intValue(),
        ((Number) r.get(CleanSchema.SOURCE_OFFSET)).longValue());
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

  /** Ids of the commits whose files were read. */
  public List<String> commitIds() {
    return commitIds;
  }

  /** Data files read, relative to the lake root. */
  public List<String> files() {
    return files;
  }
}
