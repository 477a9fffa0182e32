package io.driftgate.core.explain;

import java.util.List;

/**
 * Shapley values over groups of features (image patches, superpixels) as players: a masked-out
 * group takes the background's values for all its features. The groups must partition the features.
 * Exact enumeration for at most {@value ExactShap#MAX_PLAYERS} groups, antithetic permutation
 * sampling otherwise. {@link Explanation#phi()} has one value per group.
 */
public final class GroupedExplainer implements Explainer {

  /** Memory layout of a flattened image. */
  public enum Layout {
    /** Channel-major: index = c·H·W + y·W + x (DJL/PyTorch tensors). */
    CHW,
    /** Channel-last: index = (y·W + x)·C + c (decoded image buffers, TensorFlow). */
    HWC
  }

  private final Explainer delegate;
  private final int[][] groups;

  /**
   * @param groups player groups of feature indices, a partition of the features
   * @param pairs antithetic permutation pairs when there are more than 16 groups
   * @param seed permutation seed (unused when exact)
   */
  public GroupedExplainer(
      BatchModel model, Background background, int[][] groups, int pairs, long seed) {
    this(model, background, groups, pairs, seed, ExactShap.DEFAULT_BATCH_SIZE);
  }

  public GroupedExplainer(
      BatchModel model,
      Background background,
      int[][] groups,
      int pairs,
      long seed,
      int batchSize) {
    this.groups = groups.clone();
    this.delegate =
        groups.length <= ExactShap.MAX_PLAYERS
            ? new ExactShap(model, background, groups, batchSize)
            : new PermutationShap(model, background, groups, pairs, seed, batchSize);
  }

  /** Whether the values are exact (at most 16 groups). */
  public boolean exact() {
    return delegate instanceof ExactShap;
  }

  /** Number of groups (players). */
  public int groupCount() {
    return groups.length;
  }

  /**
   * Square patches of a {@link Layout#CHW} image (see {@link #gridPatches(int, int, int, int,
   * Layout)}).
   */
  public static int[][] gridPatches(int height, int width, int channels, int patch) {
    return gridPatches(height, width, channels, patch, Layout.CHW);
  }

  /**
   * Square {@code patch × patch} pixel patches in row-major patch order, each covering all channels
   * of its pixels; edge patches are smaller when the size does not divide evenly. The patches
   * partition the {@code height · width · channels} features.
   */
  public static int[][] gridPatches(int height, int width, int channels, int patch, Layout layout) {
    if (height < 1 || width < 1 || channels < 1 || patch < 1) {
      throw new IllegalArgumentException("height, width, channels and patch must be >= 1");
    }
    int rows = (height + patch - 1) / patch;
    int cols = (width + patch - 1) / patch;
    int[][] out = new int[rows * cols][];
    for (int pr = 0; pr < rows; pr++) {
      for (int pc = 0; pc < cols; pc++) {
        int y0 = pr * patch;
        int x0 = pc * patch;
        int y1 = Math.min(height, y0 + patch);
        int x1 = Math.min(width, x0 + patch);
        int[] idx = new int[(y1 - y0) * (x1 - x0) * channels];
        int k = 0;
        for (int c = 0; c < channels; c++) {
          for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
              idx[k++] =
                  layout == Layout.CHW
                      ? c * height * width + y * width + x
                      : (y * width + x) * channels + c;
            }
          }
        }
        java.util.Arrays.sort(idx);
        out[pr * cols + pc] = idx;
      }
    }
    return out;
  }

  @Override
  public Explanation explain(double[] x) {
    return delegate.explain(x);
  }

  @Override
  public List<Explanation> explainAll(double[][] xs) {
    return delegate.explainAll(xs);
  }
}
