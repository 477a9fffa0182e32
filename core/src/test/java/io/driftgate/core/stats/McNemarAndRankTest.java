package io.driftgate.core.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class McNemarAndRankTest {

  static boolean[][] pairs(int both, int b, int c, int neither) {
    int n = both + b + c + neither;
    boolean[] champ = new boolean[n];
    boolean[] chal = new boolean[n];
    int i = 0;
    for (int k = 0; k < both; k++, i++) {
      champ[i] = true;
      chal[i] = true;
    }
    for (int k = 0; k < b; k++, i++) {
      champ[i] = true;
    }
    for (int k = 0; k < c; k++, i++) {
      chal[i] = true;
    }
    return new boolean[][] {champ, chal};
  }

  @Test
  void textbookTableUsesChiSquaredWithContinuityCorrection() {
    // Wikipedia's McNemar example: a = 101, b = 121, c = 59, d = 33
    boolean[][] p = pairs(101, 121, 59, 33);
    McNemarResult r = McNemar.test(p[0], p[1]);
    assertThat(r.b()).isEqualTo(121);
    assertThat(r.c()).isEqualTo(59);
    assertThat(r.exact()).isFalse();
    assertThat(r.statistic()).isCloseTo(61.0 * 61.0 / 180.0, within(1e-12));
    // P(chi2_1 > 20.672) = erfc(sqrt(20.672 / 2)) = 5.4501e-6
    assertThat(r.pValue()).isCloseTo(5.450094825e-6, within(1e-12));
    assertThat(r.challengerBetter()).isFalse();
  }

  @Test
  void smallCountsUseExactBinomial() {
    boolean[][] p = pairs(50, 2, 8, 5);
    McNemarResult r = McNemar.test(p[0], p[1]);
    assertThat(r.exact()).isTrue();
    // P(X <= 2 | n = 10) = (1 + 10 + 45) / 1024; two-sided doubles it
    assertThat(r.pValue()).isCloseTo(2 * 56.0 / 1024, within(1e-12));
    assertThat(r.challengerBetter()).isTrue();
    assertThat(r.oneSidedPChallengerBetter()).isCloseTo(56.0 / 1024, within(1e-12));
    // P(X >= 2 | n = 10) = 1 - 11/1024
    assertThat(r.oneSidedPChampionBetter()).isCloseTo(1 - 11.0 / 1024, within(1e-12));
    McNemarResult none = McNemar.test(new boolean[] {true, false}, new boolean[] {true, false});
    assertThat(none.pValue()).isEqualTo(1.0);
    assertThat(none.statistic()).isZero();
    assertThat(McNemar.fromCounts(5, 5).pValue()).isEqualTo(1.0);
  }

  @Test
  void ndcgIdentities() {
    double[] ref = {3, 2, 1};
    assertThat(RankMetrics.ndcg(ref, ref, 3)).isEqualTo(1.0);
    // candidate scaled or shifted but same order: 1
    assertThat(RankMetrics.ndcg(ref, new double[] {30, 5, 0.1}, 0)).isEqualTo(1.0);
    // reversed: DCG = 1 + 2/log2(3) + 3/2, IDCG = 3 + 2/log2(3) + 1/2
    double l3 = Math.log(3) / Math.log(2);
    double expected = (1 + 2 / l3 + 1.5) / (3 + 2 / l3 + 0.5);
    assertThat(RankMetrics.ndcg(ref, new double[] {1, 2, 3}, 3)).isCloseTo(expected, within(1e-12));
    assertThat(expected).isCloseTo(0.7899980042, within(1e-9));
    // top-1 only: candidate's first feature has relevance 1 vs ideal 3
    assertThat(RankMetrics.ndcg(ref, new double[] {1, 2, 3}, 1)).isCloseTo(1.0 / 3, within(1e-12));
    // swapping the two least important features barely matters at k = 3, not at all at k = 1
    double[] ref5 = {5, 4, 3, 0.2, 0.1};
    double[] swapTail = {5, 4, 3, 0.1, 0.2};
    assertThat(RankMetrics.ndcg(ref5, swapTail, 1)).isEqualTo(1.0);
    assertThat(RankMetrics.ndcg(ref5, swapTail, 5)).isBetween(0.99, 1.0);
    assertThat(RankMetrics.ndcg(new double[] {0, 0}, new double[] {1, 2}, 2)).isEqualTo(1.0);
  }

  @Test
  void kendallTauIdentities() {
    double[] a = {0.5, 0.1, 0.9, 0.3};
    assertThat(RankMetrics.kendallTau(a, a)).isEqualTo(1.0);
    assertThat(RankMetrics.kendallTau(a, new double[] {-0.5, -0.1, -0.9, -0.3})).isEqualTo(-1.0);
    // one discordant pair of six: (6 - 2 * 1) / 6
    assertThat(RankMetrics.kendallTau(new double[] {1, 2, 3, 4}, new double[] {1, 2, 4, 3}))
        .isCloseTo(4.0 / 6, within(1e-12));
    // tau-b with ties: n0 = 10, one tie in each; nc - nd = 6; 6 / sqrt(9 * 9)
    assertThat(RankMetrics.kendallTau(new double[] {1, 2, 2, 3, 4}, new double[] {1, 3, 2, 2, 5}))
        .isCloseTo(2.0 / 3, within(1e-12));
    assertThat(RankMetrics.kendallTau(new double[] {1, 1, 1}, new double[] {1, 2, 3})).isNaN();
  }
}
