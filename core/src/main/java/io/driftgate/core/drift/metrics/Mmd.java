package io.driftgate.core.drift.metrics;

import io.driftgate.core.drift.profile.EmbeddingReservoir;
import io.driftgate.core.drift.profile.FeatureProfile;
import io.driftgate.core.drift.profile.ImageProfile;
import io.driftgate.core.drift.profile.ProfiledKind;
import io.driftgate.core.drift.profile.TextProfile;
import io.driftgate.core.stats.MaximumMeanDiscrepancy;
import java.util.EnumSet;

/**
 * Maximum mean discrepancy between the embedding samples of two image or text profiles (each a
 * reservoir of at most 200 fixed random-projection embeddings: {@link
 * io.driftgate.core.image.ImageEmbedding}, {@link io.driftgate.core.text.HashedProjection}), with a
 * permutation p-value ({@value #PERMUTATIONS} permutations, seed {@value #SEED}; Gaussian kernel,
 * median-heuristic width: {@link MaximumMeanDiscrepancy}). Statistic: MMD²; drift when p &lt; 0.05.
 * NaN (no drift) when either side holds fewer than 2 embeddings.
 */
public final class Mmd {
  public static final int PERMUTATIONS = 200;
  public static final long SEED = 18L;

  /** MMD as a drift metric: a test on image and text profiles, alpha 0.05. */
  public static final MetricDefinition DEFINITION =
      MetricDefinition.profileTest(
          0.05, EnumSet.of(ProfiledKind.IMAGE, ProfiledKind.TEXT), Mmd::test);

  private Mmd() {}

  static TestResult test(FeatureProfile reference, FeatureProfile current) {
    EmbeddingReservoir a = reservoir(reference);
    EmbeddingReservoir b = reservoir(current);
    double[][] x = a.sample();
    double[][] y = b.sample();
    if (x.length < 2 || y.length < 2) {
      return new TestResult(Double.NaN, Double.NaN, Double.NaN);
    }
    MaximumMeanDiscrepancy.Result r = MaximumMeanDiscrepancy.test(x, y, PERMUTATIONS, SEED);
    return new TestResult(r.mmd2(), r.pValue(), Math.min(x.length, y.length));
  }

  private static EmbeddingReservoir reservoir(FeatureProfile p) {
    if (p instanceof ImageProfile i) {
      return i.reservoir();
    }
    if (p instanceof TextProfile t) {
      return t.reservoir();
    }
    throw new IllegalArgumentException("MMD needs an image or text profile, not " + p.kind());
  }
}
