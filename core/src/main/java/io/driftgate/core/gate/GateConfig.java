package io.driftgate.core.gate;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Gate settings: the one record of them. The spec's {@code gate} section sets {@code alpha}, {@code
 * minEffect}, {@code floors} and {@code forbiddenFeatures} ({@code ModelSpec.gate()}); a gate
 * request sets the rest ({@code GateRequest.policy()}).
 *
 * @param additivityTolerance largest allowed |Σφ − (f(x) − E f)| over the explanations
 * @param forbiddenFeatures feature names that must carry little importance (e.g. protected
 *     attributes, leakage columns)
 * @param maxForbiddenShare largest allowed share of total mean |φ| on the forbidden features
 * @param minNdcg smallest allowed nDCG of the challenger's ranking against the champion's
 * @param ndcgTopK nDCG cutoff; 0 means all features
 * @param rankPolicy what a failed rank or seed stability check does
 * @param minKendallTau smallest allowed Kendall τ-b between the challenger's importances from two
 *     seeds
 * @param alpha significance level of the champion/challenger test and its interval (1 − alpha)
 * @param minEffect smallest mean per-example loss improvement (champion − challenger) to promote
 * @param floors metric name → minimum value of the challenger's metric
 * @param bootstrapResamples paired bootstrap resamples
 * @param seed bootstrap seed
 */
public record GateConfig(
    double additivityTolerance,
    Set<String> forbiddenFeatures,
    double maxForbiddenShare,
    double minNdcg,
    int ndcgTopK,
    RankPolicy rankPolicy,
    double minKendallTau,
    double alpha,
    double minEffect,
    Map<String, Double> floors,
    int bootstrapResamples,
    long seed)
    implements java.io.Serializable {

  public GateConfig {
    if (!(additivityTolerance >= 0)) {
      throw new IllegalArgumentException("additivityTolerance must be >= 0");
    }
    forbiddenFeatures =
        Collections.unmodifiableSet(
            new TreeSet<>(Objects.requireNonNull(forbiddenFeatures, "forbiddenFeatures")));
    if (!(maxForbiddenShare >= 0 && maxForbiddenShare <= 1)) {
      throw new IllegalArgumentException("maxForbiddenShare must be in [0, 1]");
    }
    if (ndcgTopK < 0) {
      throw new IllegalArgumentException("ndcgTopK must be >= 0");
    }
    Objects.requireNonNull(rankPolicy, "rankPolicy");
    if (!(alpha > 0 && alpha < 1)) {
      throw new IllegalArgumentException("alpha must be in (0, 1)");
    }
    if (Double.isNaN(minEffect) || Double.isNaN(minNdcg) || Double.isNaN(minKendallTau)) {
      throw new IllegalArgumentException("thresholds must not be NaN");
    }
    floors = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(floors, "floors")));
    if (bootstrapResamples < 1) {
      throw new IllegalArgumentException("bootstrapResamples must be >= 1");
    }
  }

  /** Defaults: tolerance 1e-6, share 0.05, nDCG 0.9 (all features, FAIL), τ 0.9, alpha 0.05. */
  public static GateConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.additivityTolerance = additivityTolerance;
    b.forbiddenFeatures = forbiddenFeatures;
    b.maxForbiddenShare = maxForbiddenShare;
    b.minNdcg = minNdcg;
    b.ndcgTopK = ndcgTopK;
    b.rankPolicy = rankPolicy;
    b.minKendallTau = minKendallTau;
    b.alpha = alpha;
    b.minEffect = minEffect;
    b.floors = floors;
    b.bootstrapResamples = bootstrapResamples;
    b.seed = seed;
    return b;
  }

  /** Builder with the defaults filled in. */
  public static final class Builder {
    private double additivityTolerance = 1e-6;
    private Set<String> forbiddenFeatures = Set.of();
    private double maxForbiddenShare = 0.05;
    private double minNdcg = 0.9;
    private int ndcgTopK = 0;
    private RankPolicy rankPolicy = RankPolicy.FAIL;
    private double minKendallTau = 0.9;
    private double alpha = 0.05;
    private double minEffect = 0.0;
    private Map<String, Double> floors = Map.of();
    private int bootstrapResamples = 1000;
    private long seed = 0L;

    private Builder() {}

    public Builder additivityTolerance(double v) {
      additivityTolerance = v;
      return this;
    }

    public Builder forbiddenFeatures(Set<String> v) {
      forbiddenFeatures = v;
      return this;
    }

    public Builder maxForbiddenShare(double v) {
      maxForbiddenShare = v;
      return this;
    }

    public Builder minNdcg(double v) {
      minNdcg = v;
      return this;
    }

    public Builder ndcgTopK(int v) {
      ndcgTopK = v;
      return this;
    }

    public Builder rankPolicy(RankPolicy v) {
      rankPolicy = v;
      return this;
    }

    public Builder minKendallTau(double v) {
      minKendallTau = v;
      return this;
    }

    public Builder alpha(double v) {
      alpha = v;
      return this;
    }

    public Builder minEffect(double v) {
      minEffect = v;
      return this;
    }

    public Builder floors(Map<String, Double> v) {
      floors = v;
      return this;
    }

    public Builder bootstrapResamples(int v) {
      bootstrapResamples = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public GateConfig build() {
      return new GateConfig(
          additivityTolerance,
          forbiddenFeatures,
          maxForbiddenShare,
          minNdcg,
          ndcgTopK,
          rankPolicy,
          minKendallTau,
          alpha,
          minEffect,
          floors,
          bootstrapResamples,
          seed);
    }
  }
}
