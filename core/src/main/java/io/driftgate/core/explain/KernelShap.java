package io.driftgate.core.explain;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.DecompositionSolver;
import org.apache.commons.math3.linear.SingularValueDecomposition;

/**
 * Kernel SHAP: a weighted linear regression of coalition values on coalition membership with the
 * Shapley kernel, as in the shap library. Coalition sizes are filled in from the outside in (sizes
 * 1 and M−1 first); a size whose expected share of the budget covers all its coalitions is
 * enumerated exactly, the rest are sampled with their complements (paired/antithetic sampling) and
 * reweighted to the kernel mass left. When the budget is at least 2^M − 2 every coalition is
 * enumerated and the result is exact. Additivity Σφ = f(x) − E f is enforced as a constraint by
 * eliminating the last player. Seeded: the same seed gives identical values, and every point of
 * {@link #explainAll} uses the same coalitions.
 */
public final class KernelShap implements Explainer {

  /** Default rows per model call. */
  public static final int DEFAULT_BATCH_SIZE = 4096;

  private final CoalitionEvaluator evaluator;
  private final int m;
  private final List<BitSet> coalitions = new ArrayList<>();
  private final double[] kernelWeights;
  private final boolean exhaustive;
  private final DecompositionSolver solver;

  /**
   * @param budget number of coalitions to evaluate besides the empty and the full one
   * @param seed sampling seed
   */
  public KernelShap(BatchModel model, Background background, int budget, long seed) {
    this(model, background, budget, seed, DEFAULT_BATCH_SIZE);
  }

  public KernelShap(BatchModel model, Background background, int budget, long seed, int batchSize) {
    this(model, background, null, budget, seed, batchSize);
  }

  KernelShap(
      BatchModel model,
      Background background,
      int[][] groups,
      int budget,
      long seed,
      int batchSize) {
    int players = groups == null ? background.features() : groups.length;
    this.evaluator =
        new CoalitionEvaluator(
            model,
            background,
            groups == null ? CoalitionEvaluator.singletons(players) : groups,
            batchSize);
    this.m = players;
    if (budget < 1) {
      throw new IllegalArgumentException("budget must be >= 1: " + budget);
    }
    BitSet empty = new BitSet(m);
    BitSet full = new BitSet(m);
    full.set(0, m);
    coalitions.add(empty);
    coalitions.add(full);
    List<Double> w = new ArrayList<>();
    double total = Math.pow(2, m) - 2;
    this.exhaustive = budget >= total;
    if (m > 1) {
      sampleCoalitions(budget, new SplittableRandom(seed), w);
    }
    this.kernelWeights = w.stream().mapToDouble(Double::doubleValue).toArray();
    this.solver = m > 1 ? buildSolver() : null;
  }

  /** Whether every coalition is enumerated (budget >= 2^M − 2), giving exact Shapley values. */
  public boolean exhaustive() {
    return exhaustive;
  }

  /** Number of coalitions evaluated per point besides the empty and full one. */
  public int coalitionCount() {
    return kernelWeights.length;
  }

  private void sampleCoalitions(int budget, SplittableRandom rnd, List<Double> w) {
    int numSizes = (m - 1 + 1) / 2; // ceil((M-1)/2)
    int numPaired = (m - 1) / 2;
    double[] weightVector = new double[numSizes];
    double sum = 0;
    for (int s = 1; s <= numSizes; s++) {
      weightVector[s - 1] = (m - 1.0) / (s * (double) (m - s)) * (s <= numPaired ? 2 : 1);
      sum += weightVector[s - 1];
    }
    for (int i = 0; i < numSizes; i++) {
      weightVector[i] /= sum;
    }
    double[] remaining = weightVector.clone();
    double left = budget;
    int numFull = 0;
    for (int s = 1; s <= numSizes; s++) {
      double nsub = binomial(m, s) * (s <= numPaired ? 2 : 1);
      if (exhaustive || left * remaining[s - 1] / nsub >= 1.0 - 1e-8) {
        numFull++;
        left -= nsub;
        if (remaining[s - 1] < 1.0) {
          double r = remaining[s - 1];
          for (int i = 0; i < numSizes; i++) {
            remaining[i] /= (1 - r);
          }
        }
        double weight = weightVector[s - 1] / binomial(m, s) / (s <= numPaired ? 2 : 1);
        int[] comb = new int[s];
        for (int i = 0; i < s; i++) {
          comb[i] = i;
        }
        do {
          BitSet c = new BitSet(m);
          for (int i : comb) {
            c.set(i);
          }
          coalitions.add(c);
          w.add(weight);
          if (s <= numPaired) {
            BitSet comp = (BitSet) c.clone();
            comp.flip(0, m);
            coalitions.add(comp);
            w.add(weight);
          }
        } while (nextCombination(comb, m));
      } else {
        break;
      }
    }
    if (numFull == numSizes) {
      return;
    }
    // Stratified paired sampling of the sizes left: the budget left is split across sizes in
    // proportion to their kernel mass (in pairs: a coalition and its complement), distinct
    // coalitions are drawn within each size, and each size's kernel mass is shared equally by
    // the coalitions drawn from it.
    int sizesLeft = numSizes - numFull;
    long pairsLeft = (long) Math.max(0, left) / 2;
    double massLeft = 0;
    for (int i = numFull; i < numSizes; i++) {
      massLeft += weightVector[i];
    }
    long[] units = new long[sizesLeft];
    double[] frac = new double[sizesLeft];
    long assigned = 0;
    for (int i = 0; i < sizesLeft; i++) {
      int s = numFull + 1 + i;
      double target = pairsLeft * weightVector[s - 1] / massLeft;
      long cap = (long) (binomial(m, s) * (s <= numPaired ? 2 : 1) / 2);
      units[i] = Math.min(cap, (long) Math.floor(target));
      frac[i] = units[i] < cap ? target - Math.floor(target) : -1;
      assigned += units[i];
    }
    for (long r = pairsLeft - assigned; r > 0; r--) {
      int best = -1;
      for (int i = 0; i < sizesLeft; i++) {
        if (frac[i] >= 0 && (best < 0 || frac[i] > frac[best])) {
          best = i;
        }
      }
      if (best < 0) {
        break;
      }
      units[best]++;
      frac[best] = -1;
    }
    Set<BitSet> seen = new HashSet<>();
    int[] perm = new int[m];
    for (int i = 0; i < sizesLeft; i++) {
      int s = numFull + 1 + i;
      int from = w.size();
      long attempts = 0;
      long maxAttempts = 1000 + 100 * units[i];
      for (long got = 0; got < units[i] && attempts < maxAttempts; attempts++) {
        for (int j = 0; j < m; j++) {
          perm[j] = j;
        }
        BitSet c = new BitSet(m);
        for (int j = 0; j < s; j++) {
          int k = j + rnd.nextInt(m - j);
          int t = perm[j];
          perm[j] = perm[k];
          perm[k] = t;
          c.set(perm[j]);
        }
        BitSet comp = (BitSet) c.clone();
        comp.flip(0, m);
        if (seen.contains(c) || seen.contains(comp)) {
          continue;
        }
        seen.add(c);
        seen.add(comp);
        coalitions.add(c);
        coalitions.add(comp);
        w.add(0.0);
        w.add(0.0);
        got++;
      }
      int added = w.size() - from;
      for (int k = from; k < w.size(); k++) {
        w.set(k, weightVector[s - 1] / added);
      }
    }
  }

  private static boolean nextCombination(int[] comb, int n) {
    int k = comb.length;
    int i = k - 1;
    while (i >= 0 && comb[i] == n - k + i) {
      i--;
    }
    if (i < 0) {
      return false;
    }
    comb[i]++;
    for (int j = i + 1; j < k; j++) {
      comb[j] = comb[j - 1] + 1;
    }
    return true;
  }

  private static double binomial(int n, int k) {
    double b = 1;
    for (int i = 1; i <= k; i++) {
      b = b * (n - k + i) / i;
    }
    return Math.rint(b);
  }

  /** Normal-equation matrix of the constrained problem, shared by all points. */
  private DecompositionSolver buildSolver() {
    int d = m - 1;
    double[][] a = new double[d][d];
    double[] x = new double[d];
    for (int k = 0; k < kernelWeights.length; k++) {
      BitSet c = coalitions.get(k + 2);
      double zl = c.get(m - 1) ? 1 : 0;
      for (int i = 0; i < d; i++) {
        x[i] = (c.get(i) ? 1 : 0) - zl;
      }
      double wk = kernelWeights[k];
      for (int i = 0; i < d; i++) {
        if (x[i] == 0) {
          continue;
        }
        for (int j = 0; j < d; j++) {
          a[i][j] += wk * x[i] * x[j];
        }
      }
    }
    return new SingularValueDecomposition(new Array2DRowRealMatrix(a, false)).getSolver();
  }

  @Override
  public Explanation explain(double[] x) {
    return explainAll(new double[][] {x}).get(0);
  }

  @Override
  public List<Explanation> explainAll(double[][] xs) {
    double[][] v = evaluator.values(xs, coalitions);
    List<Explanation> out = new ArrayList<>(xs.length);
    for (double[] vp : v) {
      double base = vp[0];
      double fx = vp[1];
      double delta = fx - base;
      double[] phi = new double[m];
      if (m == 1) {
        phi[0] = delta;
      } else {
        int d = m - 1;
        double[] b = new double[d];
        for (int k = 0; k < kernelWeights.length; k++) {
          BitSet c = coalitions.get(k + 2);
          double zl = c.get(m - 1) ? 1 : 0;
          double y = vp[k + 2] - base - zl * delta;
          double wy = kernelWeights[k] * y;
          for (int i = 0; i < d; i++) {
            double xi = (c.get(i) ? 1 : 0) - zl;
            b[i] += wy * xi;
          }
        }
        double[] beta = solver.solve(new ArrayRealVector(b, false)).toArray();
        double rest = delta;
        for (int i = 0; i < d; i++) {
          phi[i] = beta[i];
          rest -= beta[i];
        }
        phi[m - 1] = rest;
      }
      out.add(new Explanation(phi, base, fx));
    }
    return out;
  }
}
