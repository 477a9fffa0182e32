package io.driftgate.core.performance;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Page-Hinkley test (Page, "Continuous Inspection Schemes", Biometrika 1954; Hinkley 1971), as
 * used for concept drift by Gama et al. ("A Survey on Concept Drift Adaptation", ACM CSUR 2014,
 * §3.2): a cumulative sum of the deviations of each value from the running mean, less a tolerated
 * magnitude δ, against its historical minimum. For an increase of the mean:
 *
 * <pre>
 *   x̄_T = (1/T) Σ x_t           m_T = Σ_{t≤T} (x_t − x̄_t − δ)        M_T = min_{t≤T} m_t
 *   alarm when m_T − M_T &gt; λ
 * </pre>
 *
 * (a decrease is the mirror image). The estimated change point is the step after the minimum. After
 * an alarm the detector starts afresh. Delay after a jump of the mean by Δ &gt; δ is about {@code λ
 * / (Δ − δ)} values; larger λ means fewer false alarms and later detection.
 */
public final class PageHinkley implements ChangeDetector {
  public static final String NAME = "page-hinkley";

  /** Which changes of the mean raise an alarm. */
  public enum Direction {
    INCREASE,
    DECREASE,
    BOTH
  }

  private final double delta;
  private final double lambda;
  private final long minObservations;
  private final Direction direction;

  private long observations;
  private long n; // values since the last reset
  private double mean;
  private double upSum; // Σ (x − x̄ − δ)
  private double upMin;
  private long upMinAt;
  private double upMinMean; // mean of the values up to the minimum
  private double downSum; // Σ (x − x̄ + δ)
  private double downMax;
  private long downMaxAt;
  private double downMaxMean;

  /**
   * @param delta tolerated change of the mean (δ ≥ 0), in the values' unit
   * @param lambda alarm threshold (λ &gt; 0)
   * @param minObservations values after a reset before an alarm may be raised
   * @param direction which changes to report
   */
  public PageHinkley(double delta, double lambda, long minObservations, Direction direction) {
    if (!(delta >= 0) || !Double.isFinite(delta)) {
      throw new IllegalArgumentException("page-hinkley delta must be >= 0, got " + delta);
    }
    if (!(lambda > 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("page-hinkley lambda must be > 0, got " + lambda);
    }
    if (minObservations < 1) {
      throw new IllegalArgumentException(
          "page-hinkley minObservations must be >= 1, got " + minObservations);
    }
    this.delta = delta;
    this.lambda = lambda;
    this.minObservations = minObservations;
    this.direction = java.util.Objects.requireNonNull(direction, "direction");
    reset();
  }

  /** An increase detector with the usual settings for a 0/1 error stream: δ = 0.005, λ = 50. */
  public static PageHinkley forErrorRate() {
    return new PageHinkley(0.005, 50, 30, Direction.INCREASE);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, Object> parameters() {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("delta", delta);
    p.put("lambda", lambda);
    p.put("minObservations", minObservations);
    p.put("direction", direction.name().toLowerCase(java.util.Locale.ROOT));
    return p;
  }

  public Direction direction() {
    return direction;
  }

  @Override
  public long observations() {
    return observations;
  }

  /** The current test statistic for an increase, {@code m_T − M_T}. */
  public double increaseStatistic() {
    return upSum - upMin;
  }

  /** The current test statistic for a decrease, {@code max_t m'_t − m'_T}. */
  public double decreaseStatistic() {
    return downMax - downSum;
  }

  @Override
  public Optional<Change> add(double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("page-hinkley takes finite values, got " + value);
    }
    observations++;
    n++;
    mean += (value - mean) / n;
    upSum += value - mean - delta;
    if (upSum <= upMin) { // the latest minimum: the new regime starts after it
      upMin = upSum;
      upMinAt = n;
      upMinMean = mean;
    }
    downSum += value - mean + delta;
    if (downSum >= downMax) {
      downMax = downSum;
      downMaxAt = n;
      downMaxMean = mean;
    }
    if (n < minObservations) {
      return Optional.empty();
    }
    boolean up = direction != Direction.DECREASE && upSum - upMin > lambda;
    boolean down = direction != Direction.INCREASE && downMax - downSum > lambda;
    if (!up && !down) {
      return Optional.empty();
    }
    long lastBefore = up ? upMinAt : downMaxAt; // values up to here belong to the old regime
    double meanBefore = lastBefore == 0 ? Double.NaN : (up ? upMinMean : downMaxMean);
    double meanAfter =
        (n * mean - lastBefore * (lastBefore == 0 ? 0 : meanBefore)) / (n - lastBefore);
    long startOfRun = observations - n + 1;
    Change change = new Change(NAME, observations, startOfRun + lastBefore, meanBefore, meanAfter);
    reset();
    return Optional.of(change);
  }

  private void reset() {
    n = 0;
    mean = 0;
    upSum = 0;
    upMin = 0;
    upMinAt = 0;
    upMinMean = 0;
    downSum = 0;
    downMax = 0;
    downMaxAt = 0;
    downMaxMean = 0;
  }

  /**
   * {@code [observations, n, mean, upSum, upMin, upMinAt, upMinMean, downSum, downMax, downMaxAt,
   * downMaxMean]}.
   */
  @Override
  public double[] exportState() {
    return new double[] {
      observations,
      n,
      mean,
      upSum,
      upMin,
      upMinAt,
      upMinMean,
      downSum,
      downMax,
      downMaxAt,
      downMaxMean
    };
  }

  @Override
  public void restore(double[] s) {
    if (s.length != 11 || s[1] > s[0]) {
      throw new IllegalArgumentException(
          "page-hinkley state needs 11 numbers with n <= observations, got " + s.length);
    }
    observations = (long) s[0];
    n = (long) s[1];
    mean = s[2];
    upSum = s[3];
    upMin = s[4];
    upMinAt = (long) s[5];
    upMinMean = s[6];
    downSum = s[7];
    downMax = s[8];
    downMaxAt = (long) s[9];
    downMaxMean = s[10];
  }
}
