package io.driftgate.core.image;

import java.util.Random;

/**
 * A fixed random embedding of images for the two-sample drift test before a champion exists: the
 * {@code channels x h x w} tensor average-pooled to a {@value #GRID}x{@value #GRID} grid per
 * channel, centred on its own mean (so a uniform brightness change shows in the intensity
 * statistics, a change of structure here), then times a seeded Gaussian matrix of {@code
 * dimensions} rows (Johnson–Lindenstrauss: distances kept up to a small factor). The same seed
 * gives the same embedding in every process; the cost is independent of the image size.
 */
public final class ImageEmbedding {
  /** Pooled grid side. */
  public static final int GRID = 8;

  private final int channels;
  private final float[][] matrix;

  public ImageEmbedding(int channels, int dimensions, long seed) {
    if (channels < 1 || dimensions < 1) {
      throw new IllegalArgumentException("channels and dimensions must be >= 1");
    }
    this.channels = channels;
    this.matrix = new float[dimensions][channels * GRID * GRID];
    Random r = new Random(seed);
    double scale = 1 / Math.sqrt(dimensions);
    for (float[] row : matrix) {
      for (int j = 0; j < row.length; j++) {
        row[j] = (float) (r.nextGaussian() * scale);
      }
    }
  }

  public int dimensions() {
    return matrix.length;
  }

  /** The embedding of a {@code channels x height x width} tensor. */
  public double[] embed(float[] tensor, int height, int width) {
    if (tensor.length != channels * height * width) {
      throw new IllegalArgumentException(
          "tensor of " + tensor.length + " values is not " + channels + "x" + height + "x" + width);
    }
    double[] pooled = new double[channels * GRID * GRID];
    int[] counts = new int[pooled.length];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        int gy = y * GRID / height;
        for (int x = 0; x < width; x++) {
          int cell = c * GRID * GRID + gy * GRID + x * GRID / width;
          pooled[cell] += tensor[(c * height + y) * width + x];
          counts[cell]++;
        }
      }
    }
    double mean = 0;
    int cells = 0;
    for (int i = 0; i < pooled.length; i++) {
      if (counts[i] > 0) {
        pooled[i] /= counts[i];
        mean += pooled[i];
        cells++;
      }
    }
    mean /= Math.max(1, cells);
    for (int i = 0; i < pooled.length; i++) {
      if (counts[i] > 0) {
        pooled[i] -= mean;
      }
    }
    double[] out = new double[matrix.length];
    for (int d = 0; d < matrix.length; d++) {
      double s = 0;
      float[] row = matrix[d];
      for (int j = 0; j < row.length; j++) {
        s += row[j] * pooled[j];
      }
      out[d] = s;
    }
    return out;
  }
}
