package io.driftgate.core.text;

import java.util.List;
import java.util.Random;

/**
 * A fixed random embedding of texts for the two-sample test before a champion exists (after, the
 * champion's own encoder gives a better one): the text's words hashed into {@code buckets} term
 * frequencies, L2-normalised, times a seeded Gaussian matrix of {@code dimensions} x {@code
 * buckets} (Johnson–Lindenstrauss: distances between the frequency vectors are kept up to a small
 * factor). The same seed gives the same embedding in every process.
 */
public final class HashedProjection {
  private final int buckets;
  private final float[][] matrix;

  public HashedProjection(int buckets, int dimensions, long seed) {
    if (buckets < 2 || dimensions < 1) {
      throw new IllegalArgumentException(
          "buckets must be >= 2 and dimensions >= 1: " + buckets + ", " + dimensions);
    }
    this.buckets = buckets;
    this.matrix = new float[dimensions][buckets];
    Random r = new Random(seed);
    double scale = 1 / Math.sqrt(dimensions);
    for (float[] row : matrix) {
      for (int j = 0; j < buckets; j++) {
        row[j] = (float) (r.nextGaussian() * scale);
      }
    }
  }

  public int dimensions() {
    return matrix.length;
  }

  public double[] embed(String text) {
    List<String> words = TextNormalizer.words(text);
    double[] tf = new double[buckets];
    for (String w : words) {
      tf[TextSketch.bucket(w, buckets)]++;
    }
    double norm = 0;
    for (double v : tf) {
      norm += v * v;
    }
    double[] out = new double[matrix.length];
    if (norm == 0) {
      return out;
    }
    norm = Math.sqrt(norm);
    for (int d = 0; d < matrix.length; d++) {
      double s = 0;
      float[] row = matrix[d];
      for (int j = 0; j < buckets; j++) {
        if (tf[j] != 0) {
          s += row[j] * tf[j];
        }
      }
      out[d] = s / norm;
    }
    return out;
  }
}
