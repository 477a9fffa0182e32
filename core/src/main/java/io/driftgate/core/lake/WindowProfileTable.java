package io.driftgate.core.lake;

import io.driftgate.schemas.FeatureProfile;
import io.driftgate.schemas.WindowProfile;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;

/**
 * The lake's {@code window_profiles} table, next to {@link DriftReportTable}: one row per (profile,
 * feature), where a profile is a window the monitor saw ({@link #WINDOW}, under its report's id, or
 * {@code MODEL@START} while the window only built the reference) or the reference it compares with
 * ({@link #REFERENCE}, under the reference id its reports name). A report page draws the reference
 * vs current distributions from it without reading the lake's records again. Each row carries the
 * feature's whole mergeable profile (the {@link WindowProfile} record's {@code sketch}). Appends
 * are idempotent by profile id ({@link IdempotentAppend}), so a replayed window is stored once.
 */
public final class WindowProfileTable {
  public static final String NAME = "window_profiles";

  /** Snapshot summary key: the comma-separated profile ids an append holds. */
  public static final String PROFILE_IDS = "driftgate.profile-ids";

  /** Roles: a window's own profile, or the reference the monitor compares windows with. */
  public static final String WINDOW = "window";

  public static final String REFERENCE = "reference";

  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(
              1, "profile_id", Types.StringType.get(), "Report id, MODEL@START, or reference id."),
          Types.NestedField.required(2, "role", Types.StringType.get(), "window or reference."),
          Types.NestedField.required(3, "model", Types.StringType.get(), "Model spec name."),
          Types.NestedField.required(
              4, "window_start", Types.TimestampType.withZone(), "Inclusive window start."),
          Types.NestedField.required(
              5, "window_end", Types.TimestampType.withZone(), "Exclusive window end."),
          Types.NestedField.required(6, "row_count", Types.LongType.get(), "Rows profiled."),
          Types.NestedField.required(7, "feature", Types.StringType.get(), "Feature name."),
          Types.NestedField.required(8, "kind", Types.StringType.get(), "numeric or categorical."),
          Types.NestedField.required(9, "count", Types.LongType.get(), "Values, nulls included."),
          Types.NestedField.required(10, "null_count", Types.LongType.get(), "Null values."),
          Types.NestedField.required(
              11, "sketch", Types.BinaryType.get(), "The feature's mergeable profile."),
          Types.NestedField.optional(
              12,
              "value_counts",
              Types.MapType.ofRequired(13, 14, Types.StringType.get(), Types.LongType.get()),
              "Counts per category (categorical)."));

  static final LakeTable TABLE = LakeTable.byDay(NAME, SCHEMA, "window_start");

  /** One stored profile: its id, role and the Avro record. */
  public record Stored(String profileId, String role, WindowProfile profile) {
    public Stored {
      Objects.requireNonNull(profileId, "profileId");
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(profile, "profile");
    }
  }

  private WindowProfileTable() {}

  /** Loads the table, creating it (and the namespace) first when needed. */
  public static Table ensure(Catalog catalog, String model) {
    return TABLE.ensure(catalog, model);
  }

  /**
   * Appends profiles (one row per profile and feature) in one commit, leaving out profile ids a
   * recent snapshot already holds.
   */
  public static void append(Table table, List<Stored> profiles) {
    IdempotentAppend.appendNew(
        table, PROFILE_IDS, profiles, Stored::profileId, p -> rows(table, p));
  }

  private static List<Record> rows(Table table, Stored p) {
    WindowProfile w = p.profile();
    List<Record> rows = new ArrayList<>();
    for (FeatureProfile f : w.getFeatures()) {
      Record r = GenericRecord.create(table.schema());
      r.setField("profile_id", p.profileId());
      r.setField("role", p.role());
      r.setField("model", w.getModel().toString());
      r.setField("window_start", LakeRows.timestamp(w.getWindowStart().toEpochMilli()));
      r.setField("window_end", LakeRows.timestamp(w.getWindowEnd().toEpochMilli()));
      r.setField("row_count", w.getRowCount());
      r.setField("feature", f.getName().toString());
      r.setField("kind", f.getKind().toString());
      r.setField("count", f.getCount());
      r.setField("null_count", f.getNullCount());
      r.setField("sketch", f.getSketch() == null ? ByteBuffer.allocate(0) : f.getSketch());
      Map<String, Long> counts = new LinkedHashMap<>();
      f.getValueCounts().forEach((k, v) -> counts.put(k.toString(), v));
      r.setField("value_counts", counts);
      rows.add(r);
    }
    return rows;
  }

  /** Every stored row (current snapshot), or none when the table does not exist. */
  public static List<Record> rows(Catalog catalog, String model) {
    return TABLE.read(catalog, model);
  }

  /** Every stored profile by id (features in stored order), none when the table does not exist. */
  public static Map<String, Stored> read(Catalog catalog, String model) {
    return byId(TABLE.read(catalog, model));
  }

  /**
   * The stored profiles of windows that start in {@code [from, to)}, by id: a re-base reads the day
   * partitions of its training range only, not the table's whole history.
   */
  public static Map<String, Stored> readStarting(
      Catalog catalog, String model, Instant from, Instant to) {
    return byId(
        TABLE.read(
            catalog,
            model,
            Expressions.and(
                Expressions.greaterThanOrEqual("window_start", micros(from)),
                Expressions.lessThan("window_start", micros(to)))));
  }

  private static long micros(Instant t) {
    return java.util.concurrent.TimeUnit.MILLISECONDS.toMicros(t.toEpochMilli());
  }

  private static Map<String, Stored> byId(List<Record> records) {
    Map<String, List<Record>> byId = new LinkedHashMap<>();
    for (Record r : records) {
      byId.computeIfAbsent((String) r.getField("profile_id"), k -> new ArrayList<>()).add(r);
    }
    Map<String, Stored> out = new LinkedHashMap<>();
    byId.forEach(
        (id, rows) -> {
          List<FeatureProfile> features = new ArrayList<>();
          for (Record r : rows) {
            features.add(
                FeatureProfile.newBuilder()
                    .setName((String) r.getField("feature"))
                    .setKind((String) r.getField("kind"))
                    .setCount((Long) r.getField("count"))
                    .setNullCount((Long) r.getField("null_count"))
                    .setSketch((ByteBuffer) r.getField("sketch"))
                    .setHistogram(List.of())
                    .setValueCounts(valueCounts(r.getField("value_counts")))
                    .build());
          }
          Record first = rows.get(0);
          out.put(
              id,
              new Stored(
                  id,
                  (String) first.getField("role"),
                  WindowProfile.newBuilder()
                      .setModel((String) first.getField("model"))
                      .setWindowStart(instant(first.getField("window_start")))
                      .setWindowEnd(instant(first.getField("window_end")))
                      .setRowCount((Long) first.getField("row_count"))
                      .setFeatures(features)
                      .build()));
        });
    return out;
  }

  private static Map<String, Long> valueCounts(Object field) {
    Map<String, Long> out = new LinkedHashMap<>();
    if (field instanceof Map<?, ?> m) {
      m.forEach((k, v) -> out.put(k.toString(), (Long) v));
    }
    return out;
  }

  private static Instant instant(Object timestamp) {
    return ((java.time.OffsetDateTime) timestamp).toInstant();
  }
}
