package io.driftgate.core.drift.profile;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Profiles of all features of a dataset (or window) plus its row count. Immutable from the outside:
 * {@link #merge} returns a new profile and the feature map is read-only (the feature profiles
 * themselves are mutable accumulators; don't accumulate into a profile obtained here).
 */
public final class DatasetProfile {
  private static final int MAGIC = 0x44475031; // "DGP1"

  private final long rowCount;
  private final TreeMap<String, FeatureProfile> features;

  public DatasetProfile(long rowCount, Map<String, ? extends FeatureProfile> features) {
    if (rowCount < 0) {
      throw new IllegalArgumentException("rowCount must be >= 0");
    }
    this.rowCount = rowCount;
    this.features = new TreeMap<>(Objects.requireNonNull(features, "features"));
  }

  /** An empty profile with no features and no rows. */
  public static DatasetProfile empty() {
    return new DatasetProfile(0, Map.of());
  }

  public long rowCount() {
    return rowCount;
  }

  /** Feature name -> profile, sorted by name, read-only. */
  public Map<String, FeatureProfile> features() {
    return Collections.unmodifiableMap(features);
  }

  public Optional<FeatureProfile> feature(String name) {
    return Optional.ofNullable(features.get(name));
  }

  /**
   * A new profile: row counts add up, features present in both are merged, others are carried over.
   *
   * @throws IllegalArgumentException if a feature has different kinds on the two sides
   */
  public DatasetProfile merge(DatasetProfile other) {
    TreeMap<String, FeatureProfile> merged = new TreeMap<>();
    // A feature on both sides merges into a new profile; one on a single side is copied (feature
    // profiles are mutable accumulators: the result must not share them).
    features.forEach(
        (name, mine) -> {
          FeatureProfile theirs = other.features.get(name);
          if (theirs == null) {
            merged.put(name, copy(mine));
          } else if (mine.kind() != theirs.kind()) {
            throw new IllegalArgumentException(
                "feature " + name + " is " + mine.kind() + " on one side and " + theirs.kind());
          } else {
            merged.put(name, mine.merge(theirs));
          }
        });
    other.features.forEach(
        (name, theirs) -> {
          if (!features.containsKey(name)) {
            merged.put(name, copy(theirs));
          }
        });
    return new DatasetProfile(rowCount + other.rowCount, merged);
  }

  private static FeatureProfile copy(FeatureProfile p) {
    if (p instanceof NumericProfile n) {
      return n.copy();
    }
    if (p instanceof CategoricalProfile c) {
      return c.copy();
    }
    return FeatureProfile.fromBytes(p.toBytes());
  }

  /** Bytes: magic, row count, then (name, profile bytes) per feature in name order. */
  public byte[] toBytes() {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.writeInt(MAGIC);
      out.writeLong(rowCount);
      out.writeInt(features.size());
      for (Map.Entry<String, FeatureProfile> e : features.entrySet()) {
        out.writeUTF(e.getKey());
        byte[] b = e.getValue().toBytes();
        out.writeInt(b.length);
        out.write(b);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  /** Reads bytes written by {@link #toBytes()}. */
  public static DatasetProfile fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a dataset profile (bad magic)");
      }
      long rows = in.readLong();
      int n = in.readInt();
      TreeMap<String, FeatureProfile> fs = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        String name = in.readUTF();
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        fs.put(name, FeatureProfile.fromBytes(b));
      }
      return new DatasetProfile(rows, fs);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt dataset profile bytes", e);
    }
  }

  @Override
  public String toString() {
    return "DatasetProfile{rows=" + rowCount + ", features=" + features + "}";
  }
}
