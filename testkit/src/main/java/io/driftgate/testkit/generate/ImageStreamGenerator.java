package io.driftgate.testkit.generate;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Seeded synthetic grey images for image-feature tests and the drift calibration: digit-like
 * strokes, one of ten classes (a class is a bar at its own angle through the centre, with a
 * class-specific second short bar), jittered in position, width and brightness, plus pixel noise.
 * An injected drift rotates the strokes by {@code rotationDegrees} and adds Gaussian pixel noise of
 * {@code noise} (on [0, 1] intensities). Same seed and index, same image.
 *
 * @param side width and height in pixels
 * @param rotationDegrees drift: rotation of every stroke (0 for none)
 * @param noise drift: extra Gaussian pixel noise, standard deviation (0 for none)
 */
public record ImageStreamGenerator(int side, double rotationDegrees, double noise) {
  /** Pixel noise of the stationary stream. */
  public static final double BASE_NOISE = 0.05;

  public ImageStreamGenerator {
    if (side < 8) {
      throw new IllegalArgumentException("side must be >= 8: " + side);
    }
  }

  /** The stationary stream of {@code side x side} images. */
  public static ImageStreamGenerator stationary(int side) {
    return new ImageStreamGenerator(side, 0, 0);
  }

  /** The image number {@code index} of the stream of {@code seed}: its class and its pixels. */
  public record Image(int label, float[] pixels, int side) {
    /** Raw tensor bytes: one unsigned byte per pixel, row-major. */
    public byte[] raw() {
      byte[] out = new byte[pixels.length];
      for (int i = 0; i < pixels.length; i++) {
        out[i] = (byte) Math.round(Math.min(1f, Math.max(0f, pixels[i])) * 255);
      }
      return out;
    }

    /** PNG bytes (8-bit grey). */
    public byte[] png() {
      BufferedImage img = new BufferedImage(side, side, BufferedImage.TYPE_BYTE_GRAY);
      byte[] raw = raw();
      img.getRaster().setDataElements(0, 0, side, side, raw);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        ImageIO.write(img, "png", out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toByteArray();
    }
  }

  public Image image(long seed, long index) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
    int label = r.nextInt(10);
    double angle = Math.toRadians(label * 18 + r.nextDouble(-6, 6) + rotationDegrees);
    double cx = side / 2.0 + r.nextDouble(-1.5, 1.5);
    double cy = side / 2.0 + r.nextDouble(-1.5, 1.5);
    double width = side * r.nextDouble(0.06, 0.10);
    double length = side * r.nextDouble(0.30, 0.40);
    double ink = r.nextDouble(0.7, 1.0);
    double angle2 = angle + Math.toRadians(60 + label * 12);
    double rad = Math.toRadians(rotationDegrees);
    // the second bar's offset rotates with the image
    double ox0 = side * 0.15 * ((label % 3) - 1);
    double oy0 = side * 0.15 * ((label % 2) * 2 - 1);
    double ox = ox0 * Math.cos(rad) - oy0 * Math.sin(rad);
    double oy = ox0 * Math.sin(rad) + oy0 * Math.cos(rad);
    float[] px = new float[side * side];
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        double v = bar(x - cx, y - cy, angle, length, width);
        v = Math.max(v, bar(x - cx - ox, y - cy - oy, angle2, length * 0.4, width));
        double p = v * ink + r.nextGaussian() * BASE_NOISE + r.nextGaussian() * noise;
        px[y * side + x] = (float) Math.min(1, Math.max(0, p));
      }
    }
    return new Image(label, px, side);
  }

  /** 1 inside a bar of half-length {@code len} and half-width {@code w}, smooth at the edge. */
  private static double bar(double dx, double dy, double angle, double len, double w) {
    double along = dx * Math.cos(angle) + dy * Math.sin(angle);
    double across = -dx * Math.sin(angle) + dy * Math.cos(angle);
    double d = Math.max(Math.abs(along) - len, 0) + Math.max(Math.abs(across) - w, 0);
    return Math.max(0, 1 - d);
  }
}
