package io.driftgate.core.explain;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Permutation sampling Shapley values with antithetic permutations: each seeded random permutation
 * is walked forward and then reversed, and each player's value is the mean of its marginal
 * contributions v(pre ∪ {i}) − v(pre). Every walk telescopes from E f to f(x), so additivity holds
 * exactly; with pairwise-only interactions the antithetic pair is already exact. Coalitions shared
 * by several permutations are evaluated once, and every point of {@link #explainAll} uses the same
 * permutations.
 */
public final class PermutationShap implements Explainer {

  /** Default rows per model call. */
  public static final int DEFAULT_BATCH_SIZE = 4096;

  private final CoalitionEvaluator evaluator;
  private final int m;
  private final List<BitSet> coalitions = new ArrayList<>();

  /** For each walk, the player order and the coalition index of each prefix (0..M). */
  private final int[][] orders;

  private final int[][] prefixes;

  /**
   * @param pairs number of random permutations; each is also used reversed, so 2 × pairs walks
   * @param seed permutation seed
   */
  public PermutationShap(BatchModel model, Background background, int pairs, long seed) {
    this(model, background, pairs, seed, DEFAULT_BATCH_SIZE);
  }

  public PermutationShap(
      BatchModel model, Background background, int pairs, long seed, int batchSize) {
    this(model, background, null, pairs, seed, batchSize);
  }

  PermutationShap(
      BatchModel model,
      Background background,
      int[][] groups,
      int pairs,
      long seed,
      int batchSize) {
    if (pairs < 1) {
      throw new IllegalArgumentException("pairs must be >= 1: " + pairs);
    }
    int players = groups == null ? background.features() : groups.length;
    this.evaluator =
        new CoalitionEvaluator(
            model,
            background,
            groups == null ? CoalitionEvaluator.singletons(players) : groups,
            batchSize);
    this.m = players;
    SplittableRandom rnd = new SplittableRandom(seed);
    Map<BitSet, Integer> index = new HashMap<>();
    this.orders = new int[2 * pairs][];
    this.prefixes = new int[2 * pairs][];
    for (int k = 0; k < pairs; k++) {
      int[] perm = new int[m];
      for (int i = 0; i < m; i++) {
        perm[i] = i;
      }
      for (int i = m - 1; i > 0; i--) {
        int j = rnd.nextInt(i + 1);
        int t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
      }
      int[] rev = new int[m];
      for (int i = 0; i < m; i++) {
        rev[i] = perm[m - 1 - i];
      }
      orders[2 * k] = perm;
      orders[2 * k + 1] = rev;
    }
    for (int w = 0; w < orders.length; w++) {
      int[] pre = new int[m + 1];
      BitSet c = new BitSet(m);
      pre[0] = intern(c, index);
      for (int i = 0; i < m; i++) {
        c.set(orders[w][i]);
        pre[i + 1] = intern(c, index);
      }
      prefixes[w] = pre;
    }
  }

  private int intern(BitSet c, Map<BitSet, Integer> index) {
    Integer at = index.get(c);
    if (at == null) {
      BitSet copy = (BitSet) c.clone();
      at = coalitions.size();
      coalitions.add(copy);
      index.put(copy, at);
    }
    return at;
  }

  /** Distinct coalitions evaluated per point (including the empty and full one). */
  public int coalitionCount() {
    return coalitions.size();
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
      double[] phi = new double[m];
      for (int w = 0; w < orders.length; w++) {
        int[] order = orders[w];
        int[] pre = prefixes[w];
        for (int i = 0; i < m; i++) {
          phi[order[i]] += vp[pre[i + 1]] - vp[pre[i]];
        }
      }
      for (int i = 0; i < m; i++) {
        phi[i] /= orders.length;
      }
      out.add(new Explanation(phi, vp[prefixes[0][0]], vp[prefixes[0][m]]));
    }
    return out;
  }
}
