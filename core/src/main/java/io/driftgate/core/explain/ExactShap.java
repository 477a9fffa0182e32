package io.driftgate.core.explain;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Exact interventional Shapley values by enumerating all 2^M coalitions of at most {@value
 * #MAX_PLAYERS} players: φ_i = Σ_{S ⊆ N∖{i}} |S|!(M−|S|−1)!/M! · (v(S ∪ {i}) − v(S)) with v(S) =
 * Σ_b w_b f(x_S, b_S̄). The 2^M × |background| synthetic rows are streamed through the model in
 * batches; {@link #explainAll} shares batches across points.
 */
public final class ExactShap implements Explainer {

  /** Largest number of players (features or groups) this explainer enumerates. */
  public static final int MAX_PLAYERS = 16;

  /** Default number of rows per model call. */
  public static final int DEFAULT_BATCH_SIZE = 4096;

  private final CoalitionEvaluator evaluator;
  private final List<BitSet> coalitions;
  private final double[] coef;
  private final int m;

  public ExactShap(BatchModel model, Background background) {
    this(model, background, DEFAULT_BATCH_SIZE);
  }

  public ExactShap(BatchModel model, Background background, int batchSize) {
    this(model, background, null, batchSize);
  }

  ExactShap(BatchModel model, Background background, int[][] groups, int batchSize) {
    int players = groups == null ? background.features() : groups.length;
    if (players > MAX_PLAYERS) {
      throw new IllegalArgumentException(
          "ExactShap supports at most "
              + MAX_PLAYERS
              + " features/groups (got "
              + players
              + "); use KernelShap or PermutationShap");
    }
    if (players < 1) {
      throw new IllegalArgumentException("need at least one feature");
    }
    this.evaluator =
        new CoalitionEvaluator(
            model,
            background,
            groups == null ? CoalitionEvaluator.singletons(players) : groups,
            batchSize);
    this.m = players;
    int n = 1 << m;
    this.coalitions = new ArrayList<>(n);
    for (int mask = 0; mask < n; mask++) {
      coalitions.add(BitSet.valueOf(new long[] {mask}));
    }
    // coef[s] = s!(M-s-1)!/M! = 1 / (M * C(M-1, s))
    this.coef = new double[m];
    double binom = 1;
    for (int s = 0; s < m; s++) {
      coef[s] = 1.0 / (m * binom);
      binom = binom * (m - 1 - s) / (s + 1);
    }
  }

  @Override
  public Explanation explain(double[] x) {
    return explainAll(new double[][] {x}).get(0);
  }

  @Override
  public List<Explanation> explainAll(double[][] xs) {
    double[][] v = evaluator.values(xs, coalitions);
    List<Explanation> out = new ArrayList<>(xs.length);
    int full = (1 << m) - 1;
    for (double[] vp : v) {
      double[] phi = new double[m];
      for (int mask = 0; mask < full; mask++) {
        double c = coef[Integer.bitCount(mask)];
        for (int i = 0; i < m; i++) {
          if ((mask & (1 << i)) == 0) {
            phi[i] += c * (vp[mask | (1 << i)] - vp[mask]);
          }
        }
      }
      out.add(new Explanation(phi, vp[0], vp[full]));
    }
    return out;
  }
}
