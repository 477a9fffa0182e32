package io.driftgate.core.drift.profile;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Mergeable, serialisable summary of one feature's values in a window.
 *
 * <p>Profiles are mutable while accumulating ({@link #accumulateRaw}); {@link #merge} never mutates
 * its operands and returns a new profile. Counts merge exactly (associative and order-independent);
 * sketches merge within their documented error bounds.
 */
public sealed interface FeatureProfile
    permits NumericProfile, CategoricalProfile, ImageProfile, TextProfile {
  /** Serialisation tag of {@link NumericProfile}. */
  byte NUMERIC_TAG = 1;

  /** Serialisation tag of {@link CategoricalProfile}. */
  byte CATEGORICAL_TAG = 2;

  /** Serialisation tag of {@link ImageProfile}. */
  byte IMAGE_TAG = 3;

  /** Serialisation tag of {@link TextProfile}. */
  byte TEXT_TAG = 4;

  ProfiledKind kind();

  /** Number of values accumulated, including nulls (and NaN / infinities for numeric features). */
  long count();

  /** Number of null (missing) values. */
  long nullCount();

  /** Number of values that enter the distribution (non-null, and finite for numeric features). */
  long validCount();

  /** Null rate {@code nullCount / count}, NaN when {@code count == 0}. */
  default double nullRate() {
    return count() == 0 ? Double.NaN : nullCount() / (double) count();
  }

  /**
   * Adds one raw value: numeric profiles take a {@link Number} or null; categorical profiles take a
   * {@link CharSequence} (or any object, via {@code toString()}) or null.
   *
   * @throws IllegalArgumentException if a numeric profile is given a non-number
   */
  FeatureProfile accumulateRaw(Object value);

  /**
   * A new profile summarising both operands.
   *
   * @throws IllegalArgumentException if the kinds differ
   */
  FeatureProfile merge(FeatureProfile other);

  /** Self-describing bytes (tag + version + payload), read back by {@link #fromBytes}. */
  byte[] toBytes();

  /** Reads a profile written by {@link #toBytes()}. */
  static FeatureProfile fromBytes(byte[] bytes) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("empty profile bytes");
    }
    return switch (bytes[0]) {
      case NUMERIC_TAG -> NumericProfile.fromBytes(bytes);
      case CATEGORICAL_TAG -> CategoricalProfile.fromBytes(bytes);
      case IMAGE_TAG -> ImageProfile.fromBytes(bytes);
      case TEXT_TAG -> TextProfile.fromBytes(bytes);
      default -> throw new IllegalArgumentException("unknown profile tag " + bytes[0]);
    };
  }

  /** Opens {@code bytes}, checking the tag and format version. */
  static DataInputStream open(byte[] bytes, byte tag, byte version) {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    try {
      byte t = in.readByte();
      byte v = in.readByte();
      if (t != tag || v != version) {
        throw new IllegalArgumentException(
            "expected profile tag " + tag + " version " + version + ", got " + t + "/" + v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return in;
  }
}
