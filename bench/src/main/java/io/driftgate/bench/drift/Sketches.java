package io.driftgate.bench.drift;

import io.driftgate.core.drift.metrics.EmpiricalDistribution;
import io.driftgate.core.drift.metrics.KolmogorovSmirnov;
import io.driftgate.core.drift.profile.NumericProfile;
import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.kll.KllSketch;
import org.apache.datasketches.memory.Memory;

/**
 * KLL helpers: deterministic compaction, and the two KS corrections this benchmark evaluates as
 * proposals for {@code DriftComparator} (not used by production code).
 *
 * <p>DataSketches' KLL compactor draws its coin flips from one static, unseeded {@code
 * java.util.Random} ({@code KllSketch.random}). To make runs reproducible, sketches are built under
 * {@link #LOCK} after {@link #reseed} (reflection; if it fails, results are still valid but vary
 * slightly between runs).
 */
final class Sketches {
  static final Object LOCK = new Object();
  private static final Random KLL_RANDOM = kllRandom();

  /** Kolmogorov 95% quantile: P(sup|bridge| > 1.3581) = 0.05. */
  static final double KS_CRITICAL_95 = 1.3581;

  /**
   * The effective-n proposal's n_k: the sample size whose one-sample KS 95% critical value {@code
   * 1.3581 / sqrt(n_k)} equals the 95th percentile of the sketch's own sup CDF error (measured by
   * {@link FalseAlarms#sketchError}). Default: 18000, about what k=200 measures.
   */
  private static volatile double sketchN = 18_000;

  private Sketches() {}

  private static Random kllRandom() {
    try {
      Field f = KllSketch.class.getDeclaredField("random");
      f.setAccessible(true);
      return (Random) f.get(null);
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("warning: cannot seed KLL compaction (" + e + "); runs not reproducible");
      return null;
    }
  }

  /** Reseeds KLL's compactor; call under {@link #LOCK}. */
  static void reseed(long seed) {
    if (KLL_RANDOM != null) {
      KLL_RANDOM.setSeed(seed);
    }
  }

  static void setSketchN(double n) {
    sketchN = n;
  }

  static double sketchN() {
    return sketchN;
  }

  static boolean seeded() {
    return KLL_RANDOM != null;
  }

  static NumericProfile profile(double[] values) {
    NumericProfile p = new NumericProfile();
    for (double v : values) {
      p.accumulate(v);
    }
    return p;
  }

  /** Normalised rank error of the profile's sketch (99%, single rank); 0 when exact. */
  static double rankError(NumericProfile p) {
    KllDoublesSketch s = KllDoublesSketch.heapify(Memory.wrap(p.sketchBytes()));
    return s.isEstimationMode() ? s.getNormalizedRankError(false) : 0.0;
  }

  /**
   * Effective sample size of one side: {@code 1 / (1/n + 1/n_k)} when the sketch is in estimation
   * mode (its CDF = the empirical CDF plus sketch noise worth n_k samples), n when exact.
   */
  static double effectiveSide(NumericProfile p) {
    double eps = rankError(p);
    double n = p.validCount();
    if (eps == 0) {
      return n;
    }
    return 1.0 / (1.0 / n + 1.0 / sketchN);
  }

  /** Proposal A (effective n): KS p-value with each side's n replaced by its effective size. */
  static double pEffectiveN(NumericProfile ref, NumericProfile cur) {
    double d =
        KolmogorovSmirnov.statistic(ref.empiricalDistribution(), cur.empiricalDistribution());
    double a = effectiveSide(ref);
    double b = effectiveSide(cur);
    return KolmogorovSmirnov.pValue(d, a * b / (a + b));
  }

  /** Proposal B (error bound): KS p-value of {@code max(0, D - eps_ref - eps_cur)}. */
  static double pSubtractBound(NumericProfile ref, NumericProfile cur) {
    EmpiricalDistribution r = ref.empiricalDistribution();
    EmpiricalDistribution c = cur.empiricalDistribution();
    double d = KolmogorovSmirnov.statistic(r, c) - rankError(ref) - rankError(cur);
    return KolmogorovSmirnov.pValue(
        Math.max(0, d), KolmogorovSmirnov.effectiveN(ref.validCount(), cur.validCount()));
  }
}
