package io.driftgate.testkit.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Grey-level image helpers for the image examples' streams: the injected drifts (rotation, noise)
 * and PNG encoding of the bytes that go to Kafka. Pixels are row-major, 0..255.
 */
public final class GreyImages {
  private GreyImages() {}

  /**
   * Rotates by {@code degrees} (counter-clockwise) about the centre, bilinear, black outside: the
   * "rotated digits" drift of the image example.
   */
  public static byte[] rotate(byte[] pixels, int width, int height, double degrees) {
    double rad = Math.toRadians(degrees);
    double cos = Math.cos(rad);
    double sin = Math.sin(rad);
    double cx = (width - 1) / 2.0;
    double cy = (height - 1) / 2.0;
    byte[] out = new byte[pixels.length];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        // Inverse mapping: where in the source does this target pixel come from.
        double dx = x - cx;
        double dy = y - cy;
        double sx = cos * dx - sin * dy + cx;
        double sy = sin * dx + cos * dy + cy;
        out[y * width + x] = (byte) Math.round(bilinear(pixels, width, height, sx, sy));
      }
    }
    return out;
  }

  /** Adds Gaussian noise of standard deviation {@code sigma} grey levels, clipped, seeded. */
  public static byte[] noise(byte[] pixels, double sigma, SplittableRandom random) {
    byte[] out = new byte[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      double v = (pixels[i] & 0xff) + sigma * gaussian(random);
      out[i] = (byte) Math.max(0, Math.min(255, Math.round(v)));
    }
    return out;
  }

  /** Encodes as an 8-bit grey PNG. */
  public static byte[] png(byte[] pixels, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
    img.getRaster().setDataElements(0, 0, width, height, pixels);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(pixels.length);
    try {
      if (!ImageIO.write(img, "png", bytes)) {
        throw new IllegalStateException("no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static double bilinear(byte[] p, int w, int h, double x, double y) {
    int x0 = (int) Math.floor(x);
    int y0 = (int) Math.floor(y);
    double fx = x - x0;
    double fy = y - y0;
    return (1 - fx) * (1 - fy) * at(p, w, h, x0, y0)
        + fx * (1 - fy) * at(p, w, h, x0 + 1, y0)
        + (1 - fx) * fy * at(p, w, h, x0, y0 + 1)
        + fx * fy * at(p, w, h, x0 + 1, y0 + 1);
  }

  private static int at(byte[] p, int w, int h, int x, int y) {
    return x < 0 || y < 0 || x >= w || y >= h ? 0 : p[y * w + x] & 0xff;
  }

  private static double gaussian(SplittableRandom r) {
    // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
