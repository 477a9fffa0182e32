package io.driftgate.core.explain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Shapley attributions for unstructured inputs, seeded: image patches ({@link
 * GroupedExplainer#gridPatches}) against a baseline image, and the tokens of one encoded text
 * against the same text with its tokens masked. Each player is a group of input features; exact for
 * at most 16 players, antithetic permutation sampling otherwise. Efficiency holds in both cases:
 * the values sum to {@code f(x) - f(baseline)}.
 */
public final class UnstructuredAttribution {
  private UnstructuredAttribution() {}

  /**
   * Values per {@code patch × patch} patch of a CHW image {@code x}: a masked patch takes {@code
   * baseline}'s pixels (e.g. the mean training image, or zeros). {@link Explanation#phi} has one
   * value per patch in row-major patch order.
   */
  public static Explanation patches(
      BatchModel model,
      double[] x,
      double[] baseline,
      int channels,
      int height,
      int width,
      int patch,
      int pairs,
      long seed) {
    if (x.length != channels * height * width || baseline.length != x.length) {
      throw new IllegalArgumentException(
          "image and baseline must have " + channels + "x" + height + "x" + width + " values");
    }
    int[][] groups = GroupedExplainer.gridPatches(height, width, channels, patch);
    return new GroupedExplainer(
            model, Background.of(new double[][] {baseline}), groups, pairs, seed)
        .explain(x);
  }

  /**
   * Values per position of one encoded text {@code ids}: the players are the positions whose id is
   * not {@code special} ([CLS], [SEP], [PAD]); a masked token becomes {@code maskId}. {@link
   * Explanation#phi} has one value per position, 0 at special ones.
   */
  public static Explanation tokens(
      BatchModel model, double[] ids, int maskId, IntPredicate special, int pairs, long seed) {
    List<int[]> groups = new ArrayList<>();
    List<Integer> rest = new ArrayList<>();
    double[] masked = ids.clone();
    for (int i = 0; i < ids.length; i++) {
      if (special.test((int) ids[i])) {
        rest.add(i);
      } else {
        groups.add(new int[] {i});
        masked[i] = maskId;
      }
    }
    if (groups.isEmpty()) {
      throw new IllegalArgumentException("the text has no tokens to attribute");
    }
    if (!rest.isEmpty()) {
      // Special positions are one extra player; background and input agree there, so its value
      // is exactly 0, and the groups partition the positions as the explainer requires.
      groups.add(rest.stream().mapToInt(Integer::intValue).toArray());
    }
    Explanation e =
        new GroupedExplainer(
                model,
                Background.of(new double[][] {masked}),
                groups.toArray(new int[0][]),
                pairs,
                seed)
            .explain(ids);
    double[] perPosition = new double[ids.length];
    int real = rest.isEmpty() ? groups.size() : groups.size() - 1;
    for (int g = 0; g < real; g++) {
      perPosition[groups.get(g)[0]] = e.phi(g);
    }
    return new Explanation(perPosition, e.baseValue(), e.fx());
  }

  /** Indices of the {@code k} largest values, largest first. */
  public static int[] top(double[] values, int k) {
    Integer[] idx = new Integer[values.length];
    Arrays.setAll(idx, i -> i);
    Arrays.sort(idx, (a, b) -> Double.compare(values[b], values[a]));
    return Arrays.stream(idx).limit(k).mapToInt(Integer::intValue).toArray();
  }
}
