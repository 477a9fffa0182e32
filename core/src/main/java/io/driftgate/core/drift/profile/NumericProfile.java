package io.driftgate.core.drift.profile;

import io.driftgate.core.drift.metrics.EmpiricalDistribution;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.DoublesSortedView;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * Profile of a numeric feature: counts of values, nulls, NaNs and infinities; an exact running mean
 * and variance (Welford, merged with Chan et al.'s pairwise formula); exact min/max; and a KLL
 * quantile sketch of the finite values ({@link KllDoublesSketch}, parameter {@code k}, default
 * {@value #DEFAULT_K}, normalised rank error about 1.33% at k = 200). While fewer than about {@code
 * k} values have been seen the sketch is exact.
 *
 * <p>Alongside the sketch, the profile keeps the <b>exact finite values</b> while there are at most
 * {@code exactCap} of them (default {@value #DEFAULT_EXACT_CAP}, 8 bytes per value); past the cap,
 * and when a merge would exceed it, they are dropped for good and only the sketch remains. Tests
 * that compare two profiles ({@link io.driftgate.core.drift.DriftComparator}) use the exact values
 * when both sides still have them, which makes them identical to the tests on raw values.
 *
 * <p>While the exact values are kept they are the profile: the sketch is built from them, in
 * arrival order, only when something asks for it (a quantile, a histogram, a merge past the cap) or
 * the cap is passed. A window's profile is usually compared on its exact values only, so its rows
 * skip the sketch's updates and compactions (profiling a row took a third of the time without them,
 * {@code bench/README.md}, stop 29), and its bytes carry the values without a sketch.
 *
 * <p>NaN and ±infinity are counted separately and excluded from the sketch, the exact values and
 * the moments.
 */
public final class NumericProfile implements FeatureProfile {
  /** Default KLL parameter k. */
  public static final int DEFAULT_K = 200;

  /** Default maximum number of exact values kept next to the sketch. */
  public static final int DEFAULT_EXACT_CAP = 131_072;

  /** Format 1: no exact values. Format 2: adds the exact-value cap and the exact values. */
  private static final byte VERSION_1 = 1;

  private static final byte VERSION_2 = 2;

  /** Format 3: the exact values, or the sketch once they are dropped; never both. */
  private static final byte VERSION = 3;

  /** DataSketches' bounds on the KLL parameter k. */
  private static final int MIN_K = 8;

  private static final int MAX_K = 65_535;

  private final int k;
  private long count;
  private long nullCount;
  private long nanCount;
  private long infiniteCount;
  private double mean;
  private double m2;
  private double min = Double.NaN;
  private double max = Double.NaN;

  /**
   * The KLL sketch of every finite value; null while {@link #exact} holds them all and nothing
   * asked for it ({@link #sketch()} builds it then).
   */
  private KllDoublesSketch sketch;

  private final int exactCap;

  /** The finite values in arrival order while there are at most {@code exactCap}; else null. */
  private double[] exact;

  private int exactSize;

  /**
   * The exact values sorted, made on first request and kept while {@link #exact} and {@link
   * #exactSize} are unchanged: a reference profile is compared with every window, and sorting its
   * values again for each window and metric was most of the drift monitor's time.
   */
  private transient double[] sortedExact;

  private transient double[] sortedOf;

  /** The exact values' empirical distribution, kept like {@link #sortedExact}. */
  private transient EmpiricalDistribution exactDistribution;

  private transient double[] distributionOf;

  private transient int distributionSize;

  /** An empty profile with k = {@value #DEFAULT_K} and exact cap = {@value #DEFAULT_EXACT_CAP}. */
  public NumericProfile() {
    this(DEFAULT_K);
  }

  /**
   * An empty profile with KLL parameter {@code k} (8..65535), exact cap {@value
   * #DEFAULT_EXACT_CAP}.
   */
  public NumericProfile(int k) {
    this(k, DEFAULT_EXACT_CAP);
  }

  /**
   * An empty profile with KLL parameter {@code k} (8..65535) that keeps the exact finite values
   * while there are at most {@code exactCap} of them ({@code 0} disables exact values).
   */
  public NumericProfile(int k, int exactCap) {
    this(k, null, exactCap);
    exact = new double[Math.min(exactCap, 16)];
  }

  private NumericProfile(int k, KllDoublesSketch sketch, int exactCap) {
    if (exactCap < 0) {
      throw new IllegalArgumentException("exactCap must be >= 0, got " + exactCap);
    }
    if (k < MIN_K || k > MAX_K) {
      throw new IllegalArgumentException(
          "KLL parameter k must be " + MIN_K + ".." + MAX_K + ", got " + k);
    }
    this.k = k;
    this.sketch = sketch;
    this.exactCap = exactCap;
  }

  /** Adds a value; null counts as missing, NaN and infinities are counted but not sketched. */
  public NumericProfile accumulate(Double value) {
    if (value == null) {
      count++;
      nullCount++;
      return this;
    }
    return accumulate(value.doubleValue());
  }

  /** Adds a value; NaN and infinities are counted but not sketched. */
  public NumericProfile accumulate(double value) {
    count++;
    if (Double.isNaN(value)) {
      nanCount++;
    } else if (Double.isInfinite(value)) {
      infiniteCount++;
    } else {
      long n = validCount() + 1;
      double delta = value - mean;
      mean += delta / n;
      m2 += delta * (value - mean);
      min = n == 1 ? value : Math.min(min, value);
      max = n == 1 ? value : Math.max(max, value);
      if (exact != null && exactSize == exactCap) {
        // past the cap: the sketch takes over, built from the values so far
        sketch().update(value);
        exact = null;
        exactSize = 0;
        return this;
      }
      if (sketch != null) {
        sketch.update(value);
      }
      addExact(value);
    }
    return this;
  }

  /**
   * The sketch of every finite value; while the exact values hold them it is built from them, in
   * arrival order, on first use and kept up to date from then on.
   */
  private KllDoublesSketch sketch() {
    KllDoublesSketch s = sketch;
    if (s == null) {
      s = KllDoublesSketch.newHeapInstance(k);
      for (int i = 0; i < exactSize; i++) {
        s.update(exact[i]);
      }
      sketch = s;
    }
    return s;
  }

  private void addExact(double value) {
    if (exact == null) {
      return;
    }
    if (exactSize == exact.length) {
      exact = Arrays.copyOf(exact, (int) Math.min(exactCap, Math.max(16L, 2L * exact.length)));
    }
    exact[exactSize++] = value;
  }

  @Override
  public NumericProfile accumulateRaw(Object value) {
    if (value == null) {
      return accumulate((Double) null);
    }
    if (value instanceof Number num) {
      return accumulate(num.doubleValue());
    }
    throw new IllegalArgumentException(
        "numeric feature expects a Number or null, got " + value.getClass().getName());
  }

  @Override
  public ProfiledKind kind() {
    return ProfiledKind.NUMERIC;
  }

  public int k() {
    return k;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long nullCount() {
    return nullCount;
  }

  public long nanCount() {
    return nanCount;
  }

  public long infiniteCount() {
    return infiniteCount;
  }

  /** Number of finite values (the sketch's, or the exact values' while no sketch is made). */
  @Override
  public long validCount() {
    return sketch != null ? sketch.getN() : exactSize;
  }

  public boolean isEmpty() {
    return validCount() == 0;
  }

  /** Smallest finite value, NaN when empty. */
  public double min() {
    return min;
  }

  /** Largest finite value, NaN when empty. */
  public double max() {
    return max;
  }

  /** Mean of the finite values, NaN when empty. */
  public double mean() {
    return isEmpty() ? Double.NaN : mean;
  }

  /** Population standard deviation of the finite values, NaN when empty. */
  public double standardDeviation() {
    return isEmpty() ? Double.NaN : Math.sqrt(Math.max(0, m2 / validCount()));
  }

  /**
   * Approximate quantile at normalised rank {@code rank} in [0, 1] (inclusive search).
   *
   * @throws IllegalStateException when empty
   */
  public double quantile(double rank) {
    requireNonEmpty();
    return sketch().getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
  }

  /**
   * Counts per bin. Bin {@code i} is {@code [edges[i], edges[i+1])}; values below {@code edges[0]}
   * are counted in the first bin and values at or above the last edge in the last bin, so the
   * counts always sum to {@link #validCount()}. Exact while the sketch is exact, otherwise within
   * the sketch's rank error. Use -inf/+inf outer edges (see {@link BinEdges}) for open tails.
   *
   * @param binEdges at least 2 strictly increasing edges, no NaN
   */
  public long[] histogram(double[] binEdges) {
    BinEdges.validate(binEdges);
    int bins = binEdges.length - 1;
    long[] counts = new long[bins];
    long n = validCount();
    if (n == 0) {
      return counts;
    }
    if (bins == 1) {
      counts[0] = n;
      return counts;
    }
    double[] splits = new double[bins - 1];
    System.arraycopy(binEdges, 1, splits, 0, bins - 1);
    // cdf[i] = fraction of values < splits[i] (EXCLUSIVE), last entry 1.0
    double[] cdf = sketch().getCDF(splits, QuantileSearchCriteria.EXCLUSIVE);
    long prev = 0;
    for (int i = 0; i < bins; i++) {
      long cum = i == bins - 1 ? n : Math.round(cdf[i] * n);
      counts[i] = cum - prev;
      prev = cum;
    }
    return counts;
  }

  /**
   * The sketch's retained items as a weighted empirical distribution (exact while the sketch is
   * exact), with sample size {@link #validCount()}.
   *
   * @throws IllegalStateException when empty
   */
  public EmpiricalDistribution empiricalDistribution() {
    requireNonEmpty();
    KllDoublesSketch s = sketch();
    DoublesSortedView view = s.getSortedView();
    double[] items = view.getQuantiles();
    long[] cum = view.getCumulativeWeights();
    double[] w = new double[cum.length];
    for (int i = 0; i < cum.length; i++) {
      w[i] = cum[i];
    }
    return EmpiricalDistribution.ofWeighted(items, w, s.getN());
  }

  /** Maximum number of exact values this profile keeps (0: none). */
  public int exactCap() {
    return exactCap;
  }

  /**
   * Whether the profile still holds all of its finite values exactly (at most {@link #exactCap()}
   * of them were seen and no merge exceeded the cap).
   */
  public boolean hasExactValues() {
    return exact != null;
  }

  /**
   * A copy of the exact finite values, in arrival order (merges: this profile's, then the other's).
   *
   * @throws IllegalStateException when the exact values were dropped ({@link #hasExactValues()})
   */
  public double[] exactValues() {
    if (exact == null) {
      throw new IllegalStateException(
          "numeric profile dropped its exact values (more than " + exactCap + " finite values)");
    }
    return Arrays.copyOf(exact, exactSize);
  }

  /**
   * The exact finite values in ascending order (a copy). Sorted once per state of the profile: a
   * profile that only gets compared, like a drift reference, sorts them once.
   *
   * @throws IllegalStateException when the exact values were dropped ({@link #hasExactValues()})
   */
  public double[] sortedExactValues() {
    if (exact == null) {
      throw new IllegalStateException(
          "numeric profile dropped its exact values (more than " + exactCap + " finite values)");
    }
    double[] cached = sortedExact;
    if (cached == null || sortedOf != exact || cached.length != exactSize) {
      cached = Arrays.copyOf(exact, exactSize);
      Arrays.sort(cached);
      sortedExact = cached;
      sortedOf = exact;
    }
    return cached.clone();
  }

  /**
   * The empirical distribution of the exact finite values ({@link EmpiricalDistribution#ofValues}
   * of {@link #exactValues()}), made once per state of the profile: a drift reference is compared
   * with every window.
   *
   * @throws IllegalStateException when the exact values were dropped ({@link #hasExactValues()}) or
   *     there are none
   */
  public EmpiricalDistribution exactDistribution() {
    EmpiricalDistribution cached = exactDistribution;
    if (cached == null || distributionOf != exact || distributionSize != exactSize) {
      requireNonEmpty();
      // sorted already: ofValues sorts its copy in one pass
      cached = EmpiricalDistribution.ofValues(sortedExactValues());
      exactDistribution = cached;
      distributionOf = exact;
      distributionSize = exactSize;
    }
    return cached;
  }

  /**
   * Whether the sketch retains fewer values than it summarises (its CDF is then approximate). A
   * sketch updated value by value compacts first when its {@code k + 1}st value arrives, so a
   * sketch not built yet (made from the exact values in order) is in estimation mode past {@code k}
   * values.
   */
  public boolean isEstimationMode() {
    return sketch != null ? sketch.isEstimationMode() : exactSize > k;
  }

  /**
   * The sketch's a-priori normalised rank error for a single rank query at 99% confidence
   * (DataSketches {@code getNormalizedRankError(false)}, about 0.0133 at k = 200); 0 while the
   * sketch is exact.
   */
  public double normalizedRankError() {
    return isEstimationMode() ? KllSketch.getNormalizedRankError(k, false) : 0.0;
  }

  /** The KLL sketch, serialised (DataSketches compact format). */
  public byte[] sketchBytes() {
    return sketch().toByteArray();
  }

  private void requireNonEmpty() {
    if (isEmpty()) {
      throw new IllegalStateException("numeric profile has no finite values");
    }
  }

  /** A deep copy (the same state as {@code fromBytes(toBytes())}, without the bytes). */
  public NumericProfile copy() {
    NumericProfile p =
        new NumericProfile(
            k,
            sketch == null ? null : KllDoublesSketch.heapify(Memory.wrap(sketch.toByteArray())),
            exactCap);
    if (exact != null) {
      p.exact = Arrays.copyOf(exact, Math.max(exactSize, Math.min(exactCap, 16)));
      p.exactSize = exactSize;
    }
    return p.withMoments(count, nullCount, nanCount, infiniteCount, mean, m2, min, max);
  }

  /** Sets the counts and moments (a copy's or a read profile's); returns this profile. */
  private NumericProfile withMoments(
      long count,
      long nullCount,
      long nanCount,
      long infiniteCount,
      double mean,
      double m2,
      double min,
      double max) {
    this.count = count;
    this.nullCount = nullCount;
    this.nanCount = nanCount;
    this.infiniteCount = infiniteCount;
    this.mean = mean;
    this.m2 = m2;
    this.min = min;
    this.max = max;
    return this;
  }

  @Override
  public NumericProfile merge(FeatureProfile other) {
    if (!(other instanceof NumericProfile o)) {
      throw new IllegalArgumentException("cannot merge numeric profile with " + other.kind());
    }
    return merge(o);
  }

  /**
   * A new profile summarising both; k and the exact cap are the smaller of the two. The exact
   * values are kept when both sides have them and together they fit in the cap (the sketch is then
   * made from them when needed), and dropped otherwise (the sketches merge).
   */
  public NumericProfile merge(NumericProfile other) {
    Objects.requireNonNull(other, "other");
    int mk = Math.min(k, other.k);
    int mcap = Math.min(exactCap, other.exactCap);
    NumericProfile r;
    if (exact != null && other.exact != null && (long) exactSize + other.exactSize <= mcap) {
      r = new NumericProfile(mk, null, mcap);
      r.exact = new double[Math.max(exactSize + other.exactSize, Math.min(mcap, 16))];
      System.arraycopy(exact, 0, r.exact, 0, exactSize);
      System.arraycopy(other.exact, 0, r.exact, exactSize, other.exactSize);
      r.exactSize = exactSize + other.exactSize;
    } else {
      KllDoublesSketch s = KllDoublesSketch.newHeapInstance(mk);
      s.merge(sketch());
      s.merge(other.sketch());
      r = new NumericProfile(mk, s, mcap);
    }
    r.count = count + other.count;
    r.nullCount = nullCount + other.nullCount;
    r.nanCount = nanCount + other.nanCount;
    r.infiniteCount = infiniteCount + other.infiniteCount;
    long na = validCount();
    long nb = other.validCount();
    if (na == 0) {
      r.mean = other.mean;
      r.m2 = other.m2;
      r.min = other.min;
      r.max = other.max;
    } else if (nb == 0) {
      r.mean = mean;
      r.m2 = m2;
      r.min = min;
      r.max = max;
    } else {
      double n = (double) na + nb;
      double delta = other.mean - mean;
      r.mean = mean + delta * nb / n;
      r.m2 = m2 + other.m2 + delta * delta * na * nb / n;
      r.min = Math.min(min, other.min);
      r.max = Math.max(max, other.max);
    }
    return r;
  }

  /**
   * Format 3, big-endian: tag, version, k, the four counts, mean, m2, min, max, the exact cap, the
   * number of exact values (-1 once dropped), then the exact values, or the sketch's length and
   * bytes when they were dropped. The bytes of a profile with exact values depend on its values
   * alone, not on the sketch's random compactions. One buffer, the values in bulk: profiles cross
   * the monitor's shuffle once per window and bundle.
   */
  @Override
  public byte[] toBytes() {
    byte[] sk = exact == null ? sketch.toByteArray() : null;
    int tail = sk == null ? 8 * exactSize : 4 + sk.length;
    ByteBuffer out = ByteBuffer.allocate(2 + 4 + 8 * 8 + 4 + 4 + tail);
    out.put(NUMERIC_TAG).put(VERSION).putInt(k);
    out.putLong(count).putLong(nullCount).putLong(nanCount).putLong(infiniteCount);
    out.putDouble(mean).putDouble(m2).putDouble(min).putDouble(max);
    out.putInt(exactCap).putInt(sk == null ? exactSize : -1);
    if (sk == null) {
      out.asDoubleBuffer().put(exact, 0, exactSize);
    } else {
      out.putInt(sk.length).put(sk);
    }
    return out.array();
  }

  /**
   * Reads bytes written by {@link #toBytes()} in the current format (3), or by earlier versions in
   * format 2 (the sketch, then the exact cap and values) or format 1 (no exact values: they are
   * recovered from the sketch when it is still exact (it then retains every value, though not their
   * arrival order), else the profile has none; its exact cap is {@value #DEFAULT_EXACT_CAP}).
   */
  public static NumericProfile fromBytes(byte[] bytes) {
    if (bytes.length < 2 || bytes[0] != NUMERIC_TAG) {
      throw new IllegalArgumentException(
          "expected numeric profile tag " + NUMERIC_TAG + ", got " + describe(bytes));
    }
    byte version = bytes[1];
    if (version != VERSION && version != VERSION_2 && version != VERSION_1) {
      throw new IllegalArgumentException(
          "expected numeric profile version "
              + VERSION_1
              + ", "
              + VERSION_2
              + " or "
              + VERSION
              + ", got "
              + version);
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes, 2, bytes.length - 2);
      int k = in.getInt();
      long count = in.getLong();
      long nullCount = in.getLong();
      long nanCount = in.getLong();
      long infiniteCount = in.getLong();
      double mean = in.getDouble();
      double m2 = in.getDouble();
      double min = in.getDouble();
      double max = in.getDouble();
      if (version == VERSION) {
        NumericProfile p = readFormat3(in, k);
        if (p.exact != null && p.exactSize != count - nullCount - nanCount - infiniteCount) {
          throw new IllegalArgumentException(
              "corrupt numeric profile bytes: "
                  + p.exactSize
                  + " exact values of "
                  + (count - nullCount - nanCount - infiniteCount)
                  + " finite ones");
        }
        return p.withMoments(count, nullCount, nanCount, infiniteCount, mean, m2, min, max);
      }
      KllDoublesSketch sketch = readSketch(in);
      NumericProfile p;
      if (version == VERSION_1) {
        p = new NumericProfile(k, sketch, DEFAULT_EXACT_CAP);
        if (!sketch.isEstimationMode() && sketch.getN() <= DEFAULT_EXACT_CAP) {
          p.exact = sketch.isEmpty() ? new double[16] : retainedValues(sketch);
          p.exactSize = (int) sketch.getN();
        }
      } else {
        int cap = in.getInt();
        int size = in.getInt();
        if (cap < 0 || size < -1 || size > cap || (size >= 0 && size != sketch.getN())) {
          throw new IllegalArgumentException(
              "corrupt numeric profile bytes: exact cap " + cap + ", size " + size);
        }
        p = new NumericProfile(k, sketch, cap);
        if (size >= 0) {
          p.exact = new double[Math.max(size, Math.min(cap, 16))];
          in.asDoubleBuffer().get(p.exact, 0, size);
          p.exactSize = size;
        }
      }
      return p.withMoments(count, nullCount, nanCount, infiniteCount, mean, m2, min, max);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("corrupt numeric profile bytes (truncated)", e);
    }
  }

  /** Format 3's tail (after the moments): the exact cap and values, or the sketch. */
  private static NumericProfile readFormat3(ByteBuffer in, int k) {
    int cap = in.getInt();
    int size = in.getInt();
    if (cap < 0 || size < -1 || size > cap) {
      throw new IllegalArgumentException(
          "corrupt numeric profile bytes: exact cap " + cap + ", size " + size);
    }
    if (size >= 0) {
      NumericProfile p = new NumericProfile(k, null, cap);
      p.exact = new double[Math.max(size, Math.min(cap, 16))];
      in.asDoubleBuffer().get(p.exact, 0, size);
      in.position(in.position() + 8 * size);
      p.exactSize = size;
      return p;
    }
    return new NumericProfile(k, readSketch(in), cap);
  }

  /** A sketch's length, then its bytes (DataSketches compact format). */
  private static KllDoublesSketch readSketch(ByteBuffer in) {
    int sketchLength = in.getInt();
    if (sketchLength < 0 || sketchLength > in.remaining()) {
      throw new IllegalArgumentException(
          "corrupt numeric profile bytes: sketch of " + sketchLength + " bytes");
    }
    byte[] sk = new byte[sketchLength];
    in.get(sk);
    return KllDoublesSketch.heapify(Memory.wrap(sk));
  }

  /** All values of a sketch that is not in estimation mode, with repeats, sorted. */
  private static double[] retainedValues(KllDoublesSketch sketch) {
    DoublesSortedView view = sketch.getSortedView();
    double[] items = view.getQuantiles();
    long[] cum = view.getCumulativeWeights();
    double[] out = new double[(int) sketch.getN()];
    int j = 0;
    long prev = 0;
    for (int i = 0; i < items.length; i++) {
      for (long w = cum[i] - prev; w > 0; w--) {
        out[j++] = items[i];
      }
      prev = cum[i];
    }
    if (j != out.length) {
      throw new IllegalArgumentException("corrupt numeric profile bytes: sketch weights " + j);
    }
    return out;
  }

  private static String describe(byte[] bytes) {
    return bytes.length == 0
        ? "no bytes"
        : bytes.length == 1 ? "tag " + bytes[0] : "tag " + bytes[0] + " version " + bytes[1];
  }

  @Override
  public String toString() {
    return "NumericProfile{count="
        + count
        + ", nulls="
        + nullCount
        + ", nan="
        + nanCount
        + ", inf="
        + infiniteCount
        + ", valid="
        + validCount()
        + ", min="
        + min
        + ", max="
        + max
        + ", mean="
        + mean()
        + ", exact="
        + (exact == null ? "dropped" : exactSize + "/" + exactCap)
        + "}";
  }
}
