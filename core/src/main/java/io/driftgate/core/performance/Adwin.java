package io.driftgate.core.performance;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ADWIN (ADaptive WINdowing), as ADWIN2 in Bifet &amp; Gavaldà, "Learning from Time-Changing Data
 * with Adaptive Windowing" (SDM 2007): a window of the most recent values that is as long as the
 * stream's mean has stayed the same. Whenever two sub-windows (older W0, newer W1) have means that
 * differ by more than {@code ε_cut}, the older values are dropped and a change is reported.
 *
 * <p>The window is kept as an exponential histogram: row {@code i} holds at most {@code M} buckets
 * of {@code 2^i} values each (count, sum, sum of squared deviations), so memory and each check cost
 * {@code O(M log(n/M))} and only the bucket boundaries are tested as split points.
 *
 * <p>The cut uses the paper's variance-aware bound: with {@code m = 1/(1/n0 + 1/n1)} and {@code σ²}
 * the window's variance, {@code ε_cut = sqrt(2/m · σ² · ln(2/δ')) + 2/(3m) · ln(2/δ')}. The
 * confidence is split over the split points tested in one check ({@code δ' = δ / splits}, a union
 * bound), so a check on a stream whose mean has not changed cuts with probability at most {@code δ}
 * (Theorem 3.1, part 1).
 */
public final class Adwin implements ChangeDetector {
  public static final String NAME = "adwin";

  private final double delta;
  private final int maxBucketsPerRow;
  private final int clock;
  private final int minSubWindow;

  /** rows.get(i): buckets of 2^i values, newest first. Higher rows hold older values. */
  private final List<ArrayDeque<Bucket>> rows = new ArrayList<>();

  private long width;
  private double sum;
  private double m2; // sum of squared deviations from the window's mean
  private long observations;

  private static final class Bucket {
    final long n;
    final double sum;
    final double m2;

    Bucket(long n, double sum, double m2) {
      this.n = n;
      this.sum = sum;
      this.m2 = m2;
    }

    double mean() {
      return sum / n;
    }

    /** The union of two buckets (Chan et al.'s pairwise variance update). */
    Bucket merge(Bucket o) {
      long total = n + o.n;
      double d = mean() - o.mean();
      return new Bucket(total, sum + o.sum, m2 + o.m2 + d * d * n * o.n / total);
    }
  }

  /** ADWIN with the paper's defaults besides δ: M = 5, a check every 32 values, sub-windows ≥ 5. */
  public Adwin(double delta) {
    this(delta, 5, 32, 5);
  }

  /**
   * @param delta confidence δ in (0, 1): the bound on a false cut per check
   * @param maxBucketsPerRow M ≥ 2: buckets per histogram row (more = finer split points)
   * @param clock check for a cut every this many values (1 = after every value)
   * @param minSubWindow smallest sub-window (values) on either side of a tested split
   */
  public Adwin(double delta, int maxBucketsPerRow, int clock, int minSubWindow) {
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("adwin delta must be in (0, 1), got " + delta);
    }
    if (maxBucketsPerRow < 2) {
      throw new IllegalArgumentException(
          "adwin maxBucketsPerRow must be >= 2, got " + maxBucketsPerRow);
    }
    if (clock < 1 || minSubWindow < 1) {
      throw new IllegalArgumentException(
          "adwin clock and minSubWindow must be >= 1, got " + clock + ", " + minSubWindow);
    }
    this.delta = delta;
    this.maxBucketsPerRow = maxBucketsPerRow;
    this.clock = clock;
    this.minSubWindow = minSubWindow;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("delta", delta);
    p.put("maxBucketsPerRow", maxBucketsPerRow);
    p.put("clock", clock);
    p.put("minSubWindow", minSubWindow);
    return p;
  }

  @Override
  public long observations() {
    return observations;
  }

  /** Values in the current window (everything since the last change, up to bucket granularity). */
  public long width() {
    return width;
  }

  /** Mean of the current window (NaN when empty). */
  public double mean() {
    return width == 0 ? Double.NaN : sum / width;
  }

  /** Population variance of the current window (NaN when empty). */
  public double variance() {
    return width == 0 ? Double.NaN : m2 / width;
  }

  /** Buckets held (memory is proportional to this). */
  int buckets() {
    int b = 0;
    for (ArrayDeque<Bucket> row : rows) {
      b += row.size();
    }
    return b;
  }

  @Override
  public Optional<Change> add(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("adwin takes finite values, got " + value);
    }
    observations++;
    insert(value);
    if (observations % clock != 0) {
      return Optional.empty();
    }
    return checkForCut();
  }

  private void insert(double value) {
    double oldMean = width == 0 ? 0 : sum / width;
    width++;
    sum += value;
    m2 += (value - oldMean) * (value - sum / width);
    row(0).addFirst(new Bucket(1, value, 0));
    for (int i = 0; i < rows.size(); i++) {
      ArrayDeque<Bucket> row = rows.get(i);
      if (row.size() <= maxBucketsPerRow) {
        break;
      }
      // The two oldest of this row become one bucket, the newest of the next (older) row.
      Bucket oldest = row.removeLast();
      Bucket second = row.removeLast();
      row(i + 1).addFirst(oldest.merge(second));
    }
  }

  private ArrayDeque<Bucket> row(int i) {
    while (rows.size() <= i) {
      rows.add(new ArrayDeque<>());
    }
    return rows.get(i);
  }

  private Optional<Change> checkForCut() {
    double firstBefore = Double.NaN;
    boolean cut = true;
    boolean changed = false;
    while (cut && width > 2L * minSubWindow) {
      cut = false;
      int splits = Math.max(1, buckets() - 1);
      double lnTerm = Math.log(2.0 * splits / delta);
      double variance = m2 / width;
      long n0 = 0;
      double sum0 = 0;
      // From the oldest bucket to the newest: W0 = what has been passed, W1 = the rest.
      outer:
      for (int i = rows.size() - 1; i >= 0; i--) {
        Iterator<Bucket> it = rows.get(i).descendingIterator();
        while (it.hasNext()) {
          Bucket b = it.next();
          n0 += b.n;
          sum0 += b.sum;
          long n1 = width - n0;
          if (n1 < minSubWindow) {
            break outer;
          }
          if (n0 < minSubWindow) {
            continue;
          }
          double mean0 = sum0 / n0;
          double mean1 = (sum - sum0) / n1;
          double m = 1.0 / (1.0 / n0 + 1.0 / n1);
          double eps = Math.sqrt(2.0 / m * variance * lnTerm) + 2.0 / (3.0 * m) * lnTerm;
          if (Math.abs(mean0 - mean1) > eps) {
            if (!changed) {
              firstBefore = mean0;
            }
            cut = true;
            changed = true;
            break outer;
          }
        }
      }
      if (cut) {
        dropOldestBucket();
      }
    }
    if (!changed) {
      return Optional.empty();
    }
    return Optional.of(
        new Change(NAME, observations, observations - width + 1, firstBefore, sum / width));
  }

  private void dropOldestBucket() {
    for (int i = rows.size() - 1; i >= 0; i--) {
      ArrayDeque<Bucket> row = rows.get(i);
      if (row.isEmpty()) {
        continue;
      }
      Bucket b = row.removeLast();
      long rest = width - b.n;
      if (rest == 0) {
        width = 0;
        sum = 0;
        m2 = 0;
      } else {
        double restSum = sum - b.sum;
        double d = b.mean() - restSum / rest;
        m2 = Math.max(0, m2 - b.m2 - d * d * b.n * rest / width);
        width = rest;
        sum = restSum;
      }
      while (!rows.isEmpty() && rows.get(rows.size() - 1).isEmpty()) {
        rows.remove(rows.size() - 1);
      }
      return;
    }
  }

  /**
   * {@code [observations, width, sum, m2, rows, then per row: buckets, then per bucket n, sum,
   * m2]}, newest bucket first within a row.
   */
  @Override
  public double[] exportState() {
    List<Double> out = new ArrayList<>();
    out.add((double) observations);
    out.add((double) width);
    out.add(sum);
    out.add(m2);
    out.add((double) rows.size());
    for (ArrayDeque<Bucket> row : rows) {
      out.add((double) row.size());
      for (Bucket b : row) {
        out.add((double) b.n);
        out.add(b.sum);
        out.add(b.m2);
      }
    }
    double[] a = new double[out.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = out.get(i);
    }
    return a;
  }

  @Override
  public void restore(double[] state) {
    try {
      int at = 0;
      long obs = (long) state[at++];
      long w = (long) state[at++];
      double s = state[at++];
      double m = state[at++];
      int rowCount = (int) state[at++];
      List<ArrayDeque<Bucket>> restored = new ArrayList<>();
      long counted = 0;
      for (int r = 0; r < rowCount; r++) {
        int size = (int) state[at++];
        ArrayDeque<Bucket> row = new ArrayDeque<>();
        for (int b = 0; b < size; b++) {
          Bucket bucket = new Bucket((long) state[at++], state[at++], state[at++]);
          counted += bucket.n;
          row.addLast(bucket);
        }
        restored.add(row);
      }
      if (at != state.length || counted != w || obs < w) {
        throw new IllegalArgumentException("adwin state does not add up");
      }
      rows.clear();
      rows.addAll(restored);
      observations = obs;
      width = w;
      sum = s;
      m2 = m;
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalArgumentException("adwin state too short: " + state.length + " numbers", e);
    }
  }
}
