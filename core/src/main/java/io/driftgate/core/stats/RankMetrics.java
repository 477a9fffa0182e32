package io.driftgate.core.stats;

import java.util.Comparator;
import java.util.stream.IntStream;

/** Agreement between two feature-importance vectors. */
public final class RankMetrics {

  private RankMetrics() {}

  /**
   * nDCG@k of the candidate's ranking against the reference (SageMaker Clarify's feature
   * attribution drift rule): relevance of a feature is its reference importance; DCG = Σ_{i=1..k}
   * ref(c_i) / log2(i + 1) over the candidate's top-k features c_i, divided by the same sum over
   * the reference's own top-k. Ties in a ranking keep the lower index first. Returns 1 when the
   * ideal DCG is 0 (all reference importances zero).
   *
   * @param k cutoff; values <= 0 or above the feature count mean all features
   */
  public static double ndcg(double[] referenceImportance, double[] candidateImportance, int k) {
    checkSameLength(referenceImportance, candidateImportance);
    int n = referenceImportance.length;
    if (n == 0) {
      throw new IllegalArgumentException("no features");
    }
    int kk = k <= 0 || k > n ? n : k;
    int[] ideal = order(referenceImportance);
    int[] cand = order(candidateImportance);
    double dcg = 0;
    double idcg = 0;
    for (int i = 0; i < kk; i++) {
      double disc = Math.log(i + 2) / Math.log(2);
      dcg += referenceImportance[cand[i]] / disc;
      idcg += referenceImportance[ideal[i]] / disc;
    }
    return idcg == 0 ? 1.0 : dcg / idcg;
  }

  /** Indices by descending value, ties by ascending index. */
  static int[] order(double[] v) {
    return IntStream.range(0, v.length)
        .boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> -v[i]).thenComparingInt(i -> i))
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /**
   * Kendall's tau-b with ties: (n_c − n_d) / sqrt((n_0 − n_1)(n_0 − n_2)), where n_1 and n_2 count
   * pairs tied in a and in b. NaN when either vector is constant (undefined), as in scipy.
   */
  public static double kendallTau(double[] a, double[] b) {
    checkSameLength(a, b);
    int n = a.length;
    long concordant = 0;
    long discordant = 0;
    long tiesA = 0;
    long tiesB = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        int sa = Double.compare(a[i], a[j]);
        int sb = Double.compare(b[i], b[j]);
        if (sa == 0) {
          tiesA++;
        }
        if (sb == 0) {
          tiesB++;
        }
        if (sa != 0 && sb != 0) {
          if (sa == sb) {
            concordant++;
          } else {
            discordant++;
          }
        }
      }
    }
    long n0 = (long) n * (n - 1) / 2;
    double denom = Math.sqrt((double) (n0 - tiesA) * (n0 - tiesB));
    return denom == 0 ? Double.NaN : (concordant - discordant) / denom;
  }

  private static void checkSameLength(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("lengths differ: " + a.length + " vs " + b.length);
    }
  }
}
