package io.driftgate.core.explain;

import static io.driftgate.core.explain.TestModels.gaussian;
import static io.driftgate.core.explain.TestModels.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KernelAndPermutationShapTest {

  static final int M = 10;
  static BatchModel mlp;
  static Background bg;
  static double[][] xs;
  static List<Explanation> exact;

  @BeforeAll
  static void exactReference() {
    mlp = TestModels.mlp(M, 6, 42);
    bg = Background.kMeans(gaussian(200, M, 1), 12, 5);
    xs = gaussian(3, M, 77);
    exact = new ExactShap(mlp, bg).explainAll(xs);
  }

  @Test
  void kernelExhaustiveBudgetIsExact() {
    KernelShap k = new KernelShap(mlp, bg, (1 << M) - 2, 1);
    assertThat(k.exhaustive()).isTrue();
    assertThat(k.coalitionCount()).isEqualTo((1 << M) - 2);
    List<Explanation> got = k.explainAll(xs);
    for (int p = 0; p < xs.length; p++) {
      assertThat(maxAbsDiff(got.get(p).phi(), exact.get(p).phi())).isLessThan(1e-9);
    }
  }

  @Test
  void kernelSampledConvergesToExact() {
    // |phi| reaches 0.49 here and the MLP interacts strongly, so 1e-3 needs most of the 1022
    // coalitions; a smaller budget is visibly further off.
    KernelShap k = new KernelShap(mlp, bg, 940, 123);
    assertThat(k.exhaustive()).isFalse();
    List<Explanation> got = k.explainAll(xs);
    List<Explanation> coarse = new KernelShap(mlp, bg, 200, 123).explainAll(xs);
    double coarseErr = 0;
    double fineErr = 0;
    for (int p = 0; p < xs.length; p++) {
      Explanation e = got.get(p);
      fineErr = Math.max(fineErr, maxAbsDiff(e.phi(), exact.get(p).phi()));
      coarseErr = Math.max(coarseErr, maxAbsDiff(coarse.get(p).phi(), exact.get(p).phi()));
      assertThat(maxAbsDiff(e.phi(), exact.get(p).phi())).isLessThan(1e-3);
      assertThat(e.additivityError()).isLessThan(1e-12);
      assertThat(e.baseValue()).isCloseTo(exact.get(p).baseValue(), within(1e-12));
      assertThat(e.fx()).isCloseTo(exact.get(p).fx(), within(1e-12));
    }
    assertThat(coarseErr).isGreaterThan(fineErr);
    assertThat(coarseErr).isLessThan(0.05);
  }

  @Test
  void kernelSeededDeterminism() {
    List<Explanation> a = new KernelShap(mlp, bg, 300, 9).explainAll(xs);
    List<Explanation> b = new KernelShap(mlp, bg, 300, 9).explainAll(xs);
    List<Explanation> c = new KernelShap(mlp, bg, 300, 10).explainAll(xs);
    assertThat(a).isEqualTo(b);
    assertThat(a.get(0).phi()).isNotEqualTo(c.get(0).phi());
    // explain() of one point equals its explainAll() entry
    assertThat(new KernelShap(mlp, bg, 300, 9).explain(xs[1])).isEqualTo(a.get(1));
  }

  @Test
  void kernelIsExactForLinearModelEvenWhenSampled() {
    double[] w = {1, -2, 0.5, 0, 3, -1, 0.2, 0.7, -0.3, 2};
    BatchModel f = TestModels.linear(w, -1);
    double[] mean = bg.mean();
    Explanation e = new KernelShap(f, bg, 60, 4).explain(xs[0]);
    for (int i = 0; i < M; i++) {
      assertThat(e.phi(i)).isCloseTo(w[i] * (xs[0][i] - mean[i]), within(1e-9));
    }
  }

  @Test
  void permutationConvergesToExact() {
    PermutationShap ps = new PermutationShap(mlp, bg, 16_000, 2024);
    List<Explanation> got = ps.explainAll(xs);
    for (int p = 0; p < xs.length; p++) {
      Explanation e = got.get(p);
      assertThat(maxAbsDiff(e.phi(), exact.get(p).phi())).isLessThan(1e-3);
      assertThat(e.additivityError()).isLessThan(1e-12);
    }
    // coalitions shared between permutations are evaluated once
    assertThat(ps.coalitionCount()).isLessThanOrEqualTo(1 << M);
  }

  @Test
  void permutationSeededDeterminismAndAntitheticExactnessForPairwiseModel() {
    assertThat(new PermutationShap(mlp, bg, 5, 3).explainAll(xs))
        .isEqualTo(new PermutationShap(mlp, bg, 5, 3).explainAll(xs));
    assertThat(new PermutationShap(mlp, bg, 5, 3).explain(xs[0]).phi())
        .isNotEqualTo(new PermutationShap(mlp, bg, 5, 4).explain(xs[0]).phi());
    // With only pairwise interactions one antithetic pair is already exact.
    BatchModel pairwise =
        rows -> {
          double[] out = new double[rows.length];
          for (int i = 0; i < rows.length; i++) {
            double[] r = rows[i];
            out[i] = r[0] * r[1] - 2 * r[2] * r[5] + r[3] + 0.5 * r[4] * r[9];
          }
          return out;
        };
    Explanation ref = new ExactShap(pairwise, bg).explain(xs[2]);
    Explanation one = new PermutationShap(pairwise, bg, 1, 99).explain(xs[2]);
    assertThat(maxAbsDiff(one.phi(), ref.phi())).isLessThan(1e-12);
  }

  @Test
  void dummyAndSymmetryForSamplers() {
    // feature 2 unused; features 0 and 1 symmetric (point and background equal in both)
    BatchModel f =
        rows -> {
          double[] out = new double[rows.length];
          for (int i = 0; i < rows.length; i++) {
            double[] r = rows[i];
            out[i] = Math.tanh(r[0] + r[1] + r[0] * r[1] * r[3]) + r[3] * r[4];
          }
          return out;
        };
    double[][] data = gaussian(8, 5, 6);
    for (double[] r : data) {
      r[1] = r[0];
    }
    Background b = Background.of(data);
    double[] x = {0.8, 0.8, 3.0, -1.2, 0.5};
    Explanation perm = new PermutationShap(f, b, 50, 1).explain(x);
    Explanation kern = new KernelShap(f, b, 30, 1).explain(x);
    assertThat(perm.phi(2)).isZero();
    assertThat(kern.phi(2)).isCloseTo(0.0, within(1e-9)); // 30 >= 2^5 - 2: exhaustive
    assertThat(kern.phi(0)).isCloseTo(kern.phi(1), within(1e-9));
    assertThat(perm.phi(0)).isCloseTo(kern.phi(0), within(0.05));
    assertThat(perm.additivityError()).isLessThan(1e-12);
    assertThat(kern.additivityError()).isLessThan(1e-12);
  }
}
