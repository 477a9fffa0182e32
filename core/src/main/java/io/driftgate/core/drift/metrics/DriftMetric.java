package io.driftgate.core.drift.metrics;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The drift metrics driftgate can compute for one feature: the one registry of them. Each constant
 * names its metric's {@link MetricDefinition} (declared in the metric's own class); the spec's
 * allowed names ({@link #names()}), the comparator's computation, the chooser's kind check and the
 * CLI's help all derive from this list. A new metric is its class with a {@code DEFINITION} and one
 * line here.
 *
 * <p>Statistical tests ({@link #isStatisticalTest()}) produce a p-value; a feature drifts when the
 * p-value is <em>below</em> the threshold. Distances produce a score; a feature drifts when the
 * score is <em>at or above</em> the threshold (the convention of Evidently's data-drift preset).
 */
public enum DriftMetric {
  /** Population stability index over binned counts ({@link Psi}). */
  PSI(Psi.DEFINITION),
  /** Jensen–Shannon distance, base 2, in [0, 1] ({@link JensenShannon}). */
  JENSEN_SHANNON(JensenShannon.DEFINITION),
  /**
   * L-infinity distance of normalised counts (TFDV's categorical comparator, {@link LInfinity}).
   */
  LINF(LInfinity.DEFINITION),
  /** Two-sample Kolmogorov–Smirnov test ({@link KolmogorovSmirnov}); threshold is a p-value. */
  KS(KolmogorovSmirnov.DEFINITION),
  /**
   * Wasserstein-1 distance ({@link Wasserstein}); as a drift score it is normalised by the
   * reference standard deviation.
   */
  WASSERSTEIN(Wasserstein.DEFINITION),
  /** Chi-squared test of homogeneity ({@link ChiSquared}); threshold is a p-value. */
  CHI_SQUARED(ChiSquared.DEFINITION),
  /** MMD on fixed random-projection embeddings, permutation p-value ({@link Mmd}); images, text. */
  MMD(Mmd.DEFINITION),
  /** Largest per-channel JS distance of pixel intensities ({@link ImageIntensity}); images. */
  INTENSITY(ImageIntensity.DEFINITION),
  /** JS distance over a hashed token vocabulary ({@link TokenDistance}); text. */
  TOKEN_JS(TokenDistance.DEFINITION),
  /** JS distance of the words-per-text distribution ({@link TextLength}); text. */
  TEXT_LENGTH(TextLength.DEFINITION),
  /** Share of words the reference never had ({@link OutOfVocabulary}); text. */
  OOV_RATE(OutOfVocabulary.DEFINITION);

  private final MetricDefinition definition;

  DriftMetric(MetricDefinition definition) {
    this.definition = definition;
  }

  /** The metric's name in specs, reports and the CLI ({@code psi}, {@code jensen_shannon}, …). */
  public String specName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Every metric's {@link #specName()}, in declaration order. */
  public static List<String> names() {
    return Arrays.stream(values()).map(DriftMetric::specName).toList();
  }

  /**
   * The metric named {@code name} (case-insensitive).
   *
   * @throws IllegalArgumentException when no metric has that name
   */
  public static DriftMetric byName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }

  public MetricDefinition definition() {
    return definition;
  }

  /** True for p-value based tests (KS, chi-squared), false for distances. */
  public boolean isStatisticalTest() {
    return definition.statisticalTest();
  }

  /** The threshold used when none is configured (0.05 for tests, 0.1 for distances). */
  public double defaultThreshold() {
    return definition.defaultThreshold();
  }

  /** False for metrics that need ordered values (numeric features only). */
  public boolean appliesToCategorical() {
    return definition.appliesToCategorical();
  }

  /** Whether the metric applies to features profiled as {@code kind}. */
  public boolean appliesTo(io.driftgate.core.drift.profile.ProfiledKind kind) {
    return definition.kinds().contains(kind);
  }

  /** Whether the metric runs on whole profiles (image and text metrics). */
  public boolean onProfiles() {
    return definition.onProfiles() != null;
  }

  /**
   * The metric on two profiles of its kind.
   *
   * @throws IllegalArgumentException when the metric runs on counts or samples
   */
  public TestResult onProfiles(
      io.driftgate.core.drift.profile.FeatureProfile reference,
      io.driftgate.core.drift.profile.FeatureProfile current) {
    if (definition.onProfiles() == null) {
      throw new IllegalArgumentException(this + " is not a profile-based metric");
    }
    return definition.onProfiles().apply(reference, current);
  }

  /** Whether the metric runs on numeric samples themselves rather than on binned counts. */
  public boolean onSamples() {
    return definition.onSamples() != null;
  }

  /**
   * The metric on two numeric samples.
   *
   * @throws IllegalArgumentException when the metric runs on counts only
   */
  public TestResult onSamples(NumericSample reference, NumericSample current) {
    if (definition.onSamples() == null) {
      throw new IllegalArgumentException(this + " is not a sample-based metric");
    }
    return definition.onSamples().apply(reference, current);
  }

  /**
   * The metric on aligned counts: {statistic or distance, p-value (NaN for distances)}.
   *
   * @throws IllegalArgumentException when the metric runs on samples only
   */
  public TestResult onCounts(long[] reference, long[] current) {
    if (definition.onCounts() == null) {
      throw new IllegalArgumentException(this + " is not a count-based metric");
    }
    return definition.onCounts().apply(reference, current);
  }

  /**
   * Whether {@code scoreOrPValue} means drift under {@code threshold}: {@code p < threshold} for
   * tests, {@code score >= threshold} for distances. NaN never drifts.
   */
  public boolean isDrift(double scoreOrPValue, double threshold) {
    if (Double.isNaN(scoreOrPValue)) {
      return false;
    }
    return isStatisticalTest() ? scoreOrPValue < threshold : scoreOrPValue >= threshold;
  }
}
