package io.driftgate.core.drift.profile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Accumulates rows ({@code Map<String, Object>}) into a {@link DatasetProfile}. A feature absent
 * from a row counts as null. Numeric features take {@link Number} (NaN and infinities are counted
 * separately) or null; categorical features take any value via {@code toString()} (String, Avro
 * {@code Utf8}, enums, ...) or null. Not thread-safe.
 */
public final class ProfileBuilder {
  private final List<ProfiledFeature> features;
  private final int kllK;
  private final int maxExactDistinct;
  private final int sketchMapSize;
  private final Map<String, FeatureProfile> profiles = new LinkedHashMap<>();
  private final FeatureProfile[] ordered;
  private long rows;
  private boolean done;

  /** A builder with default sketch parameters. */
  public ProfileBuilder(List<ProfiledFeature> features) {
    this(
        features,
        NumericProfile.DEFAULT_K,
        CategoricalProfile.DEFAULT_MAX_EXACT_DISTINCT,
        CategoricalProfile.DEFAULT_SKETCH_MAP_SIZE);
  }

  /**
   * A builder.
   *
   * @param features features to profile; names must be unique
   * @param kllK KLL parameter for numeric features
   * @param maxExactDistinct exact-count cap for categorical features
   * @param sketchMapSize frequent-items map size for categorical features
   */
  public ProfileBuilder(
      List<ProfiledFeature> features, int kllK, int maxExactDistinct, int sketchMapSize) {
    this.features = List.copyOf(Objects.requireNonNull(features, "features"));
    this.kllK = kllK;
    this.maxExactDistinct = maxExactDistinct;
    this.sketchMapSize = sketchMapSize;
    for (ProfiledFeature f : this.features) {
      if (profiles.containsKey(f.name())) {
        throw new IllegalArgumentException("duplicate feature " + f.name());
      }
      profiles.put(f.name(), f.newProfile(kllK, maxExactDistinct, sketchMapSize));
    }
    this.ordered = profiles.values().toArray(FeatureProfile[]::new);
  }

  /**
   * Adds one row.
   *
   * @throws IllegalArgumentException if a numeric feature holds a non-number (the row is then
   *     partially applied: validate upstream)
   */
  public ProfileBuilder accept(Map<String, ?> row) {
    requireOpen();
    for (ProfiledFeature f : features) {
      profiles.get(f.name()).accumulateRaw(row.get(f.name()));
    }
    rows++;
    return this;
  }

  /**
   * Adds one row given by position: {@code values[i]} is the value of the {@code i}-th feature
   * given to the constructor (no map, no lookup by name; the array is not kept, so a caller may
   * reuse it for the next row).
   *
   * @throws IllegalArgumentException if {@code values} does not hold one value per feature, or if a
   *     numeric feature holds a non-number (the row is then partially applied: validate upstream)
   */
  public ProfileBuilder acceptValues(Object[] values) {
    requireOpen();
    if (values.length != ordered.length) {
      throw new IllegalArgumentException(
          "expected " + ordered.length + " values (one per feature), got " + values.length);
    }
    for (int i = 0; i < ordered.length; i++) {
      ordered[i].accumulateRaw(values[i]);
    }
    rows++;
    return this;
  }

  /** Adds many rows. */
  public ProfileBuilder acceptAll(Iterable<? extends Map<String, ?>> rows) {
    for (Map<String, ?> row : rows) {
      accept(row);
    }
    return this;
  }

  private void requireOpen() {
    if (done) {
      throw new IllegalStateException("profile builder already finished: its profile holds it");
    }
  }

  public long rowCount() {
    return rows;
  }

  /** A snapshot of what has been accumulated (later rows do not affect it). */
  public DatasetProfile build() {
    return DatasetProfile.empty().merge(new DatasetProfile(rows, profiles));
  }

  /**
   * What has been accumulated, without a copy: the profile holds this builder's accumulators, so
   * the builder is done ({@link #accept} and {@link #acceptValues} refuse more rows). For a builder
   * made per bundle and window, whose copy in {@link #build()} was wasted work.
   */
  public DatasetProfile finish() {
    done = true;
    return new DatasetProfile(rows, profiles);
  }
}
