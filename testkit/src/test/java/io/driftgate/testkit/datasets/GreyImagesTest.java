package io.driftgate.testkit.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class GreyImagesTest {
  @Test
  void pngRoundTripsThePixels() throws Exception {
    byte[] px = new byte[5 * 3];
    for (int i = 0; i < px.length; i++) {
      px[i] = (byte) (i * 17);
    }
    BufferedImage img = ImageIO.read(new ByteArrayInputStream(GreyImages.png(px, 5, 3)));
    assertThat(img.getWidth()).isEqualTo(5);
    assertThat(img.getHeight()).isEqualTo(3);
    byte[] back = new byte[px.length];
    img.getRaster().getDataElements(0, 0, 5, 3, back);
    assertThat(back).containsExactly(px);
  }

  @Test
  void aQuarterTurnMovesTheTopRowToTheLeftColumn() {
    int n = 5;
    byte[] px = new byte[n * n];
    for (int x = 0; x < n; x++) {
      px[x] = (byte) 200; // top row
    }
    byte[] turned = GreyImages.rotate(px, n, n, 90);
    for (int y = 0; y < n; y++) {
      assertThat(turned[y * n] & 0xff).as("left column, row %d", y).isEqualTo(200);
      assertThat(turned[y * n + n - 1] & 0xff).as("right column, row %d", y).isZero();
    }
    assertThat(GreyImages.rotate(px, n, n, 0)).containsExactly(px);
  }

  @Test
  void noiseIsSeededClippedAndHasTheRequestedSpread() {
    byte[] grey = new byte[20_000];
    java.util.Arrays.fill(grey, (byte) 128);
    byte[] a = GreyImages.noise(grey, 10, new SplittableRandom(7));
    byte[] b = GreyImages.noise(grey, 10, new SplittableRandom(7));
    assertThat(a).containsExactly(b);
    double mean = 0;
    double sq = 0;
    for (byte v : a) {
      mean += v & 0xff;
      sq += (double) (v & 0xff) * (v & 0xff);
    }
    mean /= a.length;
    double sd = Math.sqrt(sq / a.length - mean * mean);
    assertThat(mean).isBetween(127.0, 129.0);
    assertThat(sd).isBetween(9.5, 10.5);
    assertThat(GreyImages.noise(new byte[] {(byte) 255}, 1e9, new SplittableRandom(1))[0] & 0xff)
        .isIn(0, 255);
  }
}
