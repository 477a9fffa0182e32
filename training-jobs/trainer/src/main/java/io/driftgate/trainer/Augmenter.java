package io.driftgate.trainer;

import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.Set;

/**
 * Seeded image augmentation applied to each training batch (never to validation): {@code flip}
 * mirrors a sample left-right with probability 1/2; {@code shift} moves it by whole pixels, up to
 * {@code shift} (training parameter) in each direction, filling with zeros. Chosen by the {@code
 * augment} training parameter ({@code none}, or {@code flip}, {@code shift}, comma-separated); the
 * draws come from the training seed, so a run is reproducible.
 */
final class Augmenter {
  static final Set<String> KINDS = Set.of("flip", "shift");

  private final boolean flip;
  private final int maxShift;
  private final int channels;
  private final int height;
  private final int width;
  private final Random random;
  private float[] scratch = new float[0];

  private Augmenter(boolean flip, int maxShift, Shape sample, long seed) {
    this.flip = flip;
    this.maxShift = maxShift;
    this.channels = Math.toIntExact(sample.get(0));
    this.height = Math.toIntExact(sample.get(1));
    this.width = Math.toIntExact(sample.get(2));
    this.random = new Random(seed * 0x9E3779B97F4A7C15L + 17);
  }

  /** The augmenter {@code params} ask for, or null for none. */
  static Augmenter of(TrainParams params, Shape sample) {
    Set<String> kinds = params.augment();
    if (kinds.isEmpty()) {
      return null;
    }
    if (sample.dimension() != 3) {
      throw new IllegalArgumentException(
          "training parameter augment="
              + String.join(",", kinds)
              + " needs image samples (channels, height, width), got "
              + sample
              + "; fix: set augment=none for this input");
    }
    return new Augmenter(
        kinds.contains("flip"),
        kinds.contains("shift") ? params.shift() : 0,
        sample,
        params.seed());
  }

  /** Augments the first {@code n} samples of row-major {@code x} in place. */
  void apply(float[] x, int n) {
    int plane = height * width;
    int size = channels * plane;
    if (scratch.length < size) {
      scratch = new float[size];
    }
    for (int s = 0; s < n; s++) {
      boolean mirror = flip && random.nextBoolean();
      int dy = maxShift > 0 ? random.nextInt(2 * maxShift + 1) - maxShift : 0;
      int dx = maxShift > 0 ? random.nextInt(2 * maxShift + 1) - maxShift : 0;
      if (!mirror && dx == 0 && dy == 0) {
        continue;
      }
      int base = s * size;
      System.arraycopy(x, base, scratch, 0, size);
      for (int c = 0; c < channels; c++) {
        for (int r = 0; r < height; r++) {
          int sr = r - dy;
          for (int col = 0; col < width; col++) {
            int sc = col - dx;
            if (mirror) {
              sc = width - 1 - sc;
            }
            x[base + c * plane + r * width + col] =
                sr >= 0 && sr < height && sc >= 0 && sc < width
                    ? scratch[c * plane + sr * width + sc]
                    : 0f;
          }
        }
      }
    }
  }
}
