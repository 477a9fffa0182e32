package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One model feature ({@code features[]} in driftgate.yaml).
 *
 * @param name field name in the Avro reader schema, also the column name in the lake
 * @param kind numeric, categorical, text or image
 * @param required whether a null value rejects the record (MISSING_REQUIRED)
 * @param min inclusive lower bound for numeric features, or null
 * @param max inclusive upper bound for numeric features, or null
 * @param allowed allowed categories after trim and normalization; empty means any value
 * @param nonFinite what to do with NaN and infinities (numeric features)
 * @param normalize case normalization (categorical features)
 * @param maxNullRate warn when the share of nulls in a lake commit exceeds this, or null
 * @param maxLength categorical features: the longest value accepted, in characters (Unicode code
 *     points, before trim), longer ones are dead letters {@code TOO_LONG}; defaults to {@link
 *     #DEFAULT_MAX_LENGTH}. Null for other kinds
 * @param image the rules of an image feature ({@code features[].image}); null for other kinds
 * @param text the rules of a text feature ({@code features[].text}); null for other kinds
 */
public record FeatureSpec(
    String name,
    FeatureKind kind,
    boolean required,
    Double min,
    Double max,
    Set<String> allowed,
    NonFinitePolicy nonFinite,
    Normalize normalize,
    Double maxNullRate,
    Integer maxLength,
    ImageOptions image,
    TextOptions text)
    implements Serializable {

  /** 1024 characters: far above any category name, far below a payload smuggled into one. */
  public static final int DEFAULT_MAX_LENGTH = 1024;

  public FeatureSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    allowed =
        allowed == null || allowed.isEmpty()
            ? Collections.emptySet()
            : Collections.unmodifiableSet(new LinkedHashSet<>(allowed));
    nonFinite = nonFinite == null ? NonFinitePolicy.REJECT : nonFinite;
    normalize = normalize == null ? Normalize.NONE : normalize;
    if (kind == FeatureKind.CATEGORICAL) {
      maxLength = maxLength == null ? DEFAULT_MAX_LENGTH : maxLength;
      if (maxLength < 1) {
        throw new IllegalArgumentException("maxLength must be >= 1: " + maxLength);
      }
    } else {
      maxLength = null;
    }
    if (kind == FeatureKind.IMAGE) {
      Objects.requireNonNull(image, "image options of an image feature");
    } else {
      image = null;
    }
    if (kind == FeatureKind.TEXT) {
      text = text == null ? TextOptions.DEFAULTS : text;
    } else {
      text = null;
    }
  }

  /** A numeric feature with no bounds, policy REJECT. */
  public static FeatureSpec numeric(String name, boolean required) {
    return new FeatureSpec(
        name, FeatureKind.NUMERIC, required, null, null, null, null, null, null, null, null, null);
  }

  /** A categorical feature accepting any value, no normalization. */
  public static FeatureSpec categorical(String name, boolean required) {
    return new FeatureSpec(
        name,
        FeatureKind.CATEGORICAL,
        required,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** An image feature with {@code options}. */
  public static FeatureSpec image(String name, boolean required, ImageOptions options) {
    return new FeatureSpec(
        name, FeatureKind.IMAGE, required, null, null, null, null, null, null, null, options, null);
  }

  /** A text feature with {@code options} (null: {@link TextOptions#DEFAULTS}). */
  public static FeatureSpec text(String name, boolean required, TextOptions options) {
    return new FeatureSpec(
        name, FeatureKind.TEXT, required, null, null, null, null, null, null, null, null, options);
  }

  public boolean isNumeric() {
    return kind == FeatureKind.NUMERIC;
  }

  public boolean isCategorical() {
    return kind == FeatureKind.CATEGORICAL;
  }

  public boolean isImage() {
    return kind == FeatureKind.IMAGE;
  }

  public boolean isText() {
    return kind == FeatureKind.TEXT;
  }
}
