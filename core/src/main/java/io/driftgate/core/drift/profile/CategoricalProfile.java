package io.driftgate.core.drift.profile;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.datasketches.common.ArrayOfStringsSerDe;
import org.apache.datasketches.frequencies.ErrorType;
import org.apache.datasketches.frequencies.ItemsSketch;
import org.apache.datasketches.memory.Memory;

/**
 * Profile of a categorical feature: counts of values and nulls, and exact per-value counts while at
 * most {@code maxExactDistinct} (default {@value #DEFAULT_MAX_EXACT_DISTINCT}) distinct values have
 * been seen. Beyond that the counts move into a DataSketches frequent-items sketch ({@link
 * ItemsSketch}, map size {@code sketchMapSize}, default {@value #DEFAULT_SKETCH_MAP_SIZE}, a power
 * of two); {@link #valueCounts()} then returns estimates for the frequent items and {@link
 * #otherCount()} the remaining mass.
 */
public final class CategoricalProfile implements FeatureProfile {
  public static final int DEFAULT_MAX_EXACT_DISTINCT = 1000;
  public static final int DEFAULT_SKETCH_MAP_SIZE = 4096;

  private static final byte VERSION = 1;
  private static final ArrayOfStringsSerDe SERDE = new ArrayOfStringsSerDe();

  private final int maxExactDistinct;
  private final int sketchMapSize;
  private long count;
  private long nullCount;
  // Value -> count, a mutable counter per value: a TreeMap of boxed counts cost a comparison walk
  // and a Long per row on the monitor's hot path. Sorted (sorted()) wherever order shows.
  private HashMap<String, long[]> exact = new HashMap<>();
  private ItemsSketch<String> sketch; // non-null once past maxExactDistinct

  /** An empty profile with the default cap and sketch size. */
  public CategoricalProfile() {
    this(DEFAULT_MAX_EXACT_DISTINCT, DEFAULT_SKETCH_MAP_SIZE);
  }

  /**
   * An empty profile.
   *
   * @param maxExactDistinct distinct values kept exactly (>= 1)
   * @param sketchMapSize frequent-items map size, a power of two >= 8
   */
  public CategoricalProfile(int maxExactDistinct, int sketchMapSize) {
    if (maxExactDistinct < 1) {
      throw new IllegalArgumentException("maxExactDistinct must be >= 1");
    }
    if (sketchMapSize < 8 || Integer.bitCount(sketchMapSize) != 1) {
      throw new IllegalArgumentException("sketchMapSize must be a power of two >= 8");
    }
    this.maxExactDistinct = maxExactDistinct;
    this.sketchMapSize = sketchMapSize;
  }

  /** Adds a value; null counts as missing. */
  public CategoricalProfile accumulate(String value) {
    return accumulate(value, 1);
  }

  /** Adds {@code times} occurrences of a value; null counts as missing. */
  public CategoricalProfile accumulate(String value, long times) {
    if (times < 0) {
      throw new IllegalArgumentException("times must be >= 0");
    }
    count += times;
    if (value == null) {
      nullCount += times;
    } else if (times > 0) {
      if (sketch != null) {
        sketch.update(value, times);
      } else {
        long[] n = exact.get(value);
        if (n != null) {
          n[0] += times;
        } else {
          exact.put(value, new long[] {times});
          if (exact.size() > maxExactDistinct) {
            spill();
          }
        }
      }
    }
    return this;
  }

  @Override
  public CategoricalProfile accumulateRaw(Object value) {
    return accumulate(value == null ? null : value.toString());
  }

  private void spill() {
    sketch = new ItemsSketch<>(sketchMapSize);
    sorted().forEach(sketch::update);
    exact = new HashMap<>();
  }

  @Override
  public ProfiledKind kind() {
    return ProfiledKind.CATEGORICAL;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long nullCount() {
    return nullCount;
  }

  /** Number of non-null values. */
  @Override
  public long validCount() {
    return count - nullCount;
  }

  /** True while per-value counts are exact. */
  public boolean isExact() {
    return sketch == null;
  }

  /**
   * Per-value counts, sorted by value: exact, or (past the cap) the sketch's estimates for items
   * that may be frequent ({@link ErrorType#NO_FALSE_NEGATIVES}).
   */
  public Map<String, Long> valueCounts() {
    if (sketch == null) {
      return Collections.unmodifiableMap(sorted());
    }
    TreeMap<String, Long> m = new TreeMap<>();
    for (ItemsSketch.Row<String> row : sketch.getFrequentItems(ErrorType.NO_FALSE_NEGATIVES)) {
      m.put(row.getItem(), row.getEstimate());
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * Non-null values not accounted for by {@link #valueCounts()}: 0 while exact, otherwise {@code
   * max(0, validCount - sum(valueCounts))}.
   */
  public long otherCount() {
    if (sketch == null) {
      return 0;
    }
    long listed = valueCounts().values().stream().mapToLong(Long::longValue).sum();
    return Math.max(0, validCount() - listed);
  }

  /** The exact counts by value, sorted (a new map). */
  private TreeMap<String, Long> sorted() {
    TreeMap<String, Long> out = new TreeMap<>();
    exact.forEach((value, n) -> out.put(value, n[0]));
    return out;
  }

  /** Number of distinct values while exact; -1 once sketched. */
  public int distinctCount() {
    return sketch == null ? exact.size() : -1;
  }

  public int maxExactDistinct() {
    return maxExactDistinct;
  }

  public int sketchMapSize() {
    return sketchMapSize;
  }

  /** A deep copy (the same state as {@code fromBytes(toBytes())}, without the bytes). */
  public CategoricalProfile copy() {
    CategoricalProfile p = new CategoricalProfile(maxExactDistinct, sketchMapSize);
    p.count = count;
    p.nullCount = nullCount;
    if (sketch == null) {
      exact.forEach((value, n) -> p.exact.put(value, new long[] {n[0]}));
    } else {
      p.sketch = ItemsSketch.getInstance(Memory.wrap(sketch.toByteArray(SERDE)), SERDE);
    }
    return p;
  }

  @Override
  public CategoricalProfile merge(FeatureProfile other) {
    if (!(other instanceof CategoricalProfile o)) {
      throw new IllegalArgumentException("cannot merge categorical profile with " + other.kind());
    }
    return merge(o);
  }

  /**
   * A new profile summarising both (cap and map size: the smaller of the two). Stays exact when
   * both are exact and the union has at most the cap distinct values.
   */
  public CategoricalProfile merge(CategoricalProfile other) {
    Objects.requireNonNull(other, "other");
    CategoricalProfile r =
        new CategoricalProfile(
            Math.min(maxExactDistinct, other.maxExactDistinct),
            Math.min(sketchMapSize, other.sketchMapSize));
    r.count = count + other.count;
    r.nullCount = nullCount + other.nullCount;
    if (sketch == null && other.sketch == null) {
      for (CategoricalProfile p : new CategoricalProfile[] {this, other}) {
        p.exact.forEach((value, n) -> r.exact.computeIfAbsent(value, v -> new long[1])[0] += n[0]);
      }
      if (r.exact.size() > r.maxExactDistinct) {
        r.spill();
      }
      return r;
    }
    r.sketch = new ItemsSketch<>(r.sketchMapSize);
    for (CategoricalProfile p : new CategoricalProfile[] {this, other}) {
      if (p.sketch == null) {
        p.sorted().forEach(r.sketch::update);
      } else {
        r.sketch.merge(p.sketch);
      }
    }
    r.exact = new HashMap<>();
    return r;
  }

  @Override
  public byte[] toBytes() {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.writeByte(CATEGORICAL_TAG);
      out.writeByte(VERSION);
      out.writeInt(maxExactDistinct);
      out.writeInt(sketchMapSize);
      out.writeLong(count);
      out.writeLong(nullCount);
      out.writeBoolean(sketch != null);
      if (sketch == null) {
        out.writeInt(exact.size());
        for (Map.Entry<String, Long> e : sorted().entrySet()) {
          byte[] key = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
          out.writeInt(key.length);
          out.write(key);
          out.writeLong(e.getValue());
        }
      } else {
        byte[] sk = sketch.toByteArray(SERDE);
        out.writeInt(sk.length);
        out.write(sk);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  /** Reads bytes written by {@link #toBytes()}. */
  public static CategoricalProfile fromBytes(byte[] bytes) {
    try (DataInputStream in = FeatureProfile.open(bytes, CATEGORICAL_TAG, VERSION)) {
      CategoricalProfile p = new CategoricalProfile(in.readInt(), in.readInt());
      p.count = in.readLong();
      p.nullCount = in.readLong();
      if (in.readBoolean()) {
        byte[] sk = new byte[in.readInt()];
        in.readFully(sk);
        p.sketch = ItemsSketch.getInstance(Memory.wrap(sk), SERDE);
      } else {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
          byte[] key = new byte[in.readInt()];
          in.readFully(key);
          p.exact.put(
              new String(key, java.nio.charset.StandardCharsets.UTF_8), new long[] {in.readLong()});
        }
      }
      return p;
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt categorical profile bytes", e);
    }
  }

  @Override
  public String toString() {
    return "CategoricalProfile{count="
        + count
        + ", nulls="
        + nullCount
        + (sketch == null ? ", distinct=" + exact.size() : ", sketched")
        + "}";
  }
}
