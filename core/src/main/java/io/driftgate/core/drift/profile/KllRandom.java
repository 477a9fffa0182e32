package io.driftgate.core.drift.profile;

import java.lang.reflect.Field;
import java.util.Random;

/**
 * DataSketches' KLL sketches compact with a coin flip drawn from one static, unseeded {@code
 * Random} ({@code KllSketch.random}) and offer no way to seed it. Reseeding that generator right
 * before a single-threaded profile build makes the sketch, and so the serialized profile, the same
 * bytes for the same input: a model trained twice with one seed gets one reference profile.
 */
public final class KllRandom {
  private static final Random SHARED = find();

  private KllRandom() {}

  /**
   * Reseeds the KLL coin. Not for concurrent builds: threads share the generator.
   *
   * @return false when this DataSketches version hides the generator (profiles stay correct, only
   *     their bytes may differ between runs)
   */
  public static boolean reseed(long seed) {
    if (SHARED == null) {
      return false;
    }
    SHARED.setSeed(seed);
    return true;
  }

  private static Random find() {
    try {
      Field f = Class.forName("org.apache.datasketches.kll.KllSketch").getDeclaredField("random");
      f.setAccessible(true);
      return f.get(null) instanceof Random r ? r : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}
