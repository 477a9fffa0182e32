package io.driftgate.core.ingest;

import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ModelSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Counts nulls per feature over a batch of lake rows (e.g. one lake commit) and reports the
 * features whose null rate exceeds their {@code maxNullRate}. Not thread-safe; use one per writer.
 */
public final class NullRateTracker implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * A feature whose null rate in the batch exceeded its limit.
   *
   * @param feature feature name
   * @param nulls null values seen
   * @param total rows seen
   * @param rate nulls / total
   * @param maxNullRate the configured limit
   */
  public record Breach(String feature, long nulls, long total, double rate, double maxNullRate)
      implements Serializable {
    /** E.g. {@code weather: null rate 0.250 (25 of 100 rows) exceeds maxNullRate 0.10}. */
    public String message() {
      return String.format(
          java.util.Locale.ROOT,
          "%s: null rate %.3f (%d of %d rows) exceeds maxNullRate %.2f",
          feature,
          rate,
          nulls,
          total,
          maxNullRate);
    }
  }

  private final List<String> names;
  private final Double[] limits;
  private final long[] nulls;
  private long total;

  public NullRateTracker(ModelSpec spec) {
    this(spec.features());
  }

  public NullRateTracker(List<FeatureSpec> features) {
    this.names = features.stream().map(FeatureSpec::name).toList();
    this.limits = features.stream().map(FeatureSpec::maxNullRate).toArray(Double[]::new);
    this.nulls = new long[names.size()];
  }

  /** Counts one row; a feature absent from the row's schema counts as null. */
  public void observe(GenericRecord row) {
    Objects.requireNonNull(row, "row");
    Schema schema = row.getSchema();
    if (schema != positionsOf) {
      // Field positions looked up once per schema (rows of a stream share one), not per row.
      positions = new int[names.size()];
      for (int i = 0; i < names.size(); i++) {
        Schema.Field f = schema.getField(names.get(i));
        positions[i] = f == null ? -1 : f.pos();
      }
      positionsOf = schema;
    }
    for (int i = 0; i < positions.length; i++) {
      if (positions[i] < 0 || row.get(positions[i]) == null) {
        nulls[i]++;
      }
    }
    total++;
  }

  /** The schema {@link #positions} belong to (compared by identity). */
  private transient Schema positionsOf;

  /** Position of each tracked feature in {@link #positionsOf}, -1 when it has none. */
  private transient int[] positions;

  /** Adds another tracker's counts (same features) to this one. */
  public void merge(NullRateTracker other) {
    if (!names.equals(other.names)) {
      throw new IllegalArgumentException("trackers track different features");
    }
    for (int i = 0; i < nulls.length; i++) {
      nulls[i] += other.nulls[i];
    }
    total += other.total;
  }

  /** Rows observed since the last reset. */
  public long total() {
    return total;
  }

  /** Nulls of {@code feature} since the last reset. */
  public long nullCount(String feature) {
    int i = index(feature);
    return nulls[i];
  }

  /** Null share of {@code feature}, 0 when no rows were observed. */
  public double nullRate(String feature) {
    return total == 0 ? 0.0 : (double) nullCount(feature) / total;
  }

  /** Features (in spec order) whose null rate exceeds their maxNullRate; empty when none. */
  public List<Breach> breaches() {
    List<Breach> out = new ArrayList<>();
    if (total == 0) {
      return out;
    }
    for (int i = 0; i < names.size(); i++) {
      Double limit = limits[i];
      double rate = (double) nulls[i] / total;
      if (limit != null && rate > limit) {
        out.add(new Breach(names.get(i), nulls[i], total, rate, limit));
      }
    }
    return out;
  }

  /** Forgets all counts (call after each commit). */
  public void reset() {
    java.util.Arrays.fill(nulls, 0);
    total = 0;
  }

  private int index(String feature) {
    int i = names.indexOf(feature);
    if (i < 0) {
      throw new IllegalArgumentException("not a tracked feature: " + feature);
    }
    return i;
  }
}
