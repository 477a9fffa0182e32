package io.driftgate.core.lake;

import java.nio.ByteBuffer;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.apache.iceberg.Schema;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Converts Avro rows (what validation produces) into Iceberg generic records of a table schema, by
 * column name; columns the Avro schema lacks (added by a later spec) stay null.
 */
public final class LakeRows {
  private final Schema schema;
  private final int[] avroPos;
  private final Type.TypeID[] types;

  /** A converter from rows of {@code avro} into records of {@code table}. */
  public LakeRows(Schema table, org.apache.avro.Schema avro) {
    this.schema = table;
    List<Types.NestedField> cols = table.columns();
    avroPos = new int[cols.size()];
    types = new Type.TypeID[cols.size()];
    for (int i = 0; i < cols.size(); i++) {
      org.apache.avro.Schema.Field f = avro.getField(cols.get(i).name());
      avroPos[i] = f == null ? -1 : f.pos();
      types[i] = cols.get(i).type().typeId();
    }
  }

  public Schema schema() {
    return schema;
  }

  public Record convert(GenericRecord in) {
    Record out = org.apache.iceberg.data.GenericRecord.create(schema);
    for (int i = 0; i < avroPos.length; i++) {
      if (avroPos[i] < 0) {
        continue;
      }
      Object v = in.get(avroPos[i]);
      if (v == null) {
        continue;
      }
      out.set(
          i,
          switch (types[i]) {
            case TIMESTAMP -> timestamp(((Number) v).longValue());
            case STRING -> v.toString();
            case BINARY -> v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
            default -> v;
          });
    }
    return out;
  }

  /**
   * A view of Avro rows as Iceberg's internal representation (timestamps as micros, strings as
   * {@link CharSequence}, binary as {@link ByteBuffer}), what {@link LakeFileWriter#forAvro}
   * writes: no Iceberg record and no {@code OffsetDateTime} is made per row. The view is reused:
   * {@link AvroView#wrap} points it at the next row; not for use by several threads.
   */
  public AvroView view() {
    return new AvroView();
  }

  /**
   * Column {@code i} of {@code in} in Iceberg's internal representation, or null; strings as Utf8
   * through the view's {@code strings}.
   */
  private Object internal(GenericRecord in, int i, Utf8Cache strings) {
    int pos = avroPos[i];
    if (pos < 0) {
      return null;
    }
    Object v = in.get(pos);
    if (v == null) {
      return null;
    }
    return switch (types[i]) {
      case TIMESTAMP -> micros(((Number) v).longValue());
      // As Avro's Utf8: Iceberg's Parquet string writer hands Parquet a byte-array Binary for it,
      // but a ByteBuffer-backed one for a String, whose equals/hashCode in the column dictionary
      // cost ~8% of the ingest's source thread (JFR, stop 26).
      case STRING -> v instanceof Utf8 u ? u : strings.of(i, v.toString());
      case BINARY -> v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
      default -> v;
    };
  }

  /**
   * Each string column's recent values as Utf8, so a category repeated in every row is encoded once
   * (a new Utf8 per value was a seventh of the lake writer's thread; validation hands the same
   * String instance for a repeated category). A column whose values rarely repeat (ids) stops being
   * looked up once its cache is full and missing. Not thread-safe: one per view.
   */
  static final class Utf8Cache {
    static final int PER_COLUMN = 1024;
    private final Map<String, Utf8>[] byColumn;
    private final int[] misses;

    @SuppressWarnings("unchecked")
    Utf8Cache(int columns) {
      byColumn = new Map[columns];
      misses = new int[columns];
    }

    Utf8 of(int column, String s) {
      if (misses[column] > 4 * PER_COLUMN) {
        return new Utf8(s);
      }
      Map<String, Utf8> cache = byColumn[column];
      if (cache == null) {
        cache = new HashMap<>();
        byColumn[column] = cache;
      }
      Utf8 u = cache.get(s);
      if (u == null) {
        u = new Utf8(s);
        if (cache.size() < PER_COLUMN) {
          cache.put(s, u);
        } else {
          misses[column]++;
        }
      }
      return u;
    }
  }

  /** One Avro row at a time, seen as an Iceberg {@link StructLike} of the table's columns. */
  public final class AvroView implements StructLike {
    private GenericRecord row;
    private final Utf8Cache strings = new Utf8Cache(avroPos.length);

    private AvroView() {}

    public AvroView wrap(GenericRecord in) {
      this.row = in;
      return this;
    }

    @Override
    public int size() {
      return avroPos.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(internal(row, pos, strings));
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("a read-only view of an Avro row");
    }
  }

  /** Epoch millis as the value Iceberg generics use for {@code timestamptz}. */
  public static OffsetDateTime timestamp(long epochMillis) {
    // Not Instant.atOffset: it asks ZoneOffset.getRules(), which builds a new ZoneRules per call
    // (a few percent of the lake writer's time, once per row).
    return OffsetDateTime.of(
        java.time.LocalDateTime.ofEpochSecond(
            Math.floorDiv(epochMillis, 1000L),
            (int) Math.floorMod(epochMillis, 1000L) * 1_000_000,
            ZoneOffset.UTC),
        ZoneOffset.UTC);
  }

  /** A {@code timestamptz} value read back (OffsetDateTime) or a number, as epoch millis. */
  public static long millis(Object value) {
    if (value instanceof OffsetDateTime t) {
      return t.toInstant().toEpochMilli();
    }
    if (value instanceof Number n) {
      return n.longValue();
    }
    throw new IllegalArgumentException("not a timestamp: " + value);
  }

  /** Epoch millis as Iceberg's internal timestamp value (micros), for scan filters. */
  public static long micros(long epochMillis) {
    return Math.multiplyExact(epochMillis, 1000L);
  }
}
