package io.driftgate.core.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.image.ImageDecoder.Problem;
import io.driftgate.core.image.ImageDecoder.RejectedImage;
import io.driftgate.core.image.ImageDecoder.SizeRule;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {

  /** A {@code w x h} image: left half black, right half of the given colour. */
  static byte[] encoded(String format, int w, int h, int type, int rgb) throws IOException {
    BufferedImage img = new BufferedImage(w, h, type);
    for (int y = 0; y < h; y++) {
      for (int x = w / 2; x < w; x++) {
        img.setRGB(x, y, rgb);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(img, format, out)).isTrue();
    return out.toByteArray();
  }

  private static Problem problemOf(ImageDecoder d, byte[] bytes) {
    try {
      d.decode(bytes);
      return null;
    } catch (RejectedImage e) {
      return e.problem();
    }
  }

  @Test
  void decodesGreyPngToAUnitIntervalTensor() throws Exception {
    ImageDecoder d = new ImageDecoder(1, 4, 6, 10_000, SizeRule.EXACT, false);
    float[] t = d.decode(encoded("png", 6, 4, BufferedImage.TYPE_BYTE_GRAY, 0xFFFFFF));
    assertThat(t).hasSize(24);
    assertThat(t[0]).isZero(); // left half black
    assertThat(t[5]).isEqualTo(1f, org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void decodesRgbIntoChannelPlanes() throws Exception {
    ImageDecoder d = new ImageDecoder(3, 2, 2, 10_000, SizeRule.EXACT, false);
    float[] t = d.decode(encoded("png", 2, 2, BufferedImage.TYPE_INT_RGB, 0xFF0000));
    // Planes R, G, B of 4 pixels; the right column is pure red.
    assertThat(t).containsExactly(0f, 1f, 0f, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f);
  }

  @Test
  void readsJpegAndRawTensors() throws Exception {
    ImageDecoder d = new ImageDecoder(1, 8, 8, 10_000, SizeRule.EXACT, false);
    float[] jpeg = d.decode(encoded("jpg", 8, 8, BufferedImage.TYPE_BYTE_GRAY, 0xFFFFFF));
    assertThat(jpeg[7]).isGreaterThan(0.9f);
    assertThat(jpeg[0]).isLessThan(0.1f);
    byte[] raw = new byte[64];
    raw[3] = (byte) 255;
    raw[4] = (byte) 128;
    float[] t = d.decode(raw);
    assertThat(t[3]).isEqualTo(1f);
    assertThat(t[4]).isEqualTo(128 / 255f);
  }

  @Test
  void namesEveryRefusal() throws Exception {
    ImageDecoder exact = new ImageDecoder(1, 4, 4, 2_000, SizeRule.EXACT, false);
    assertThat(problemOf(exact, new byte[0])).isEqualTo(Problem.EMPTY);
    assertThat(problemOf(exact, new byte[3_000])).isEqualTo(Problem.TOO_LARGE);
    assertThat(problemOf(exact, "not an image at all".getBytes())).isEqualTo(Problem.UNDECODABLE);
    byte[] big = encoded("png", 8, 8, BufferedImage.TYPE_BYTE_GRAY, 0xFFFFFF);
    assertThat(problemOf(exact, big)).isEqualTo(Problem.WRONG_SIZE);
    assertThatThrownBy(() -> exact.decode(big)).hasMessageContaining("8x8, declared 4x4");
    byte[] colour = encoded("png", 4, 4, BufferedImage.TYPE_INT_RGB, 0x00FF00);
    assertThat(problemOf(exact, colour)).isEqualTo(Problem.WRONG_CHANNELS);
    // A truncated PNG: the magic is there, the data is not.
    byte[] png = encoded("png", 4, 4, BufferedImage.TYPE_BYTE_GRAY, 0xFFFFFF);
    assertThat(problemOf(exact, java.util.Arrays.copyOf(png, 20))).isEqualTo(Problem.UNDECODABLE);
  }

  @Test
  void resizesAndConvertsWhenTheRulesAllowIt() throws Exception {
    ImageDecoder lenient = new ImageDecoder(1, 4, 4, 10_000, SizeRule.RESIZE, true);
    float[] t = lenient.decode(encoded("png", 16, 16, BufferedImage.TYPE_INT_RGB, 0x00FF00));
    assertThat(t).hasSize(16);
    // Green's luma weight on the right, black on the left.
    assertThat(t[3]).isEqualTo(0.587f, org.assertj.core.data.Offset.offset(0.01f));
    assertThat(t[0]).isLessThan(0.01f);
  }
}
