package io.driftgate.core.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Turns an image field's bytes into the model's input: a {@code channels x height x width} float
 * tensor in [0, 1], row-major. Accepts encoded PNG/JPEG (whatever {@link ImageIO} reads) or a raw
 * tensor of exactly {@code channels * height * width} unsigned bytes. What it refuses, it names:
 * larger than {@code maxBytes}, not decodable, another size when the rule is {@link
 * SizeRule#EXACT}, or colour where one channel is declared and the rule does not convert.
 */
public final class ImageDecoder {

  /** What to do with an image of another size than declared. */
  public enum SizeRule {
    /** Refuse it. */
    EXACT,
    /** Scale it to the declared size (bilinear; aspect ratio not kept). */
    RESIZE
  }

  /** Why an image was refused. */
  public enum Problem {
    EMPTY,
    TOO_LARGE,
    UNDECODABLE,
    WRONG_SIZE,
    WRONG_CHANNELS
  }

  /** A refused image: the problem and a message naming the value and the rule. */
  public static final class RejectedImage extends Exception {
    private final Problem problem;

    RejectedImage(Problem problem, String message) {
      super(message);
      this.problem = problem;
    }

    public Problem problem() {
      return problem;
    }
  }

  private final int channels;
  private final int height;
  private final int width;
  private final int maxBytes;
  private final SizeRule sizeRule;
  private final boolean convertColour;

  /**
   * @param channels 1 (grey) or 3 (RGB)
   * @param convertColour whether colour may become grey (and grey colour) instead of a refusal
   */
  public ImageDecoder(
      int channels, int height, int width, int maxBytes, SizeRule sizeRule, boolean convertColour) {
    if (channels != 1 && channels != 3) {
      throw new IllegalArgumentException("channels must be 1 or 3: " + channels);
    }
    if (height < 1 || width < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "height, width and maxBytes must be >= 1: " + height + ", " + width + ", " + maxBytes);
    }
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.maxBytes = maxBytes;
    this.sizeRule = sizeRule;
    this.convertColour = convertColour;
  }

  public int tensorSize() {
    return channels * height * width;
  }

  public float[] decode(byte[] bytes) throws RejectedImage {
    if (bytes == null || bytes.length == 0) {
      throw new RejectedImage(Problem.EMPTY, "image is empty");
    }
    if (bytes.length > maxBytes) {
      throw new RejectedImage(
          Problem.TOO_LARGE,
          "image has " + bytes.length + " bytes, more than maxBytes " + maxBytes);
    }
    if (bytes.length == tensorSize() && !looksEncoded(bytes)) {
      float[] out = new float[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        out[i] = (bytes[i] & 0xff) / 255f;
      }
      return out;
    }
    BufferedImage image;
    try {
      image = ImageIO.read(new ByteArrayInputStream(bytes));
    } catch (IOException | RuntimeException e) {
      throw new RejectedImage(Problem.UNDECODABLE, "image is not decodable: " + e.getMessage());
    }
    if (image == null) {
      throw new RejectedImage(
          Problem.UNDECODABLE,
          "image is neither PNG/JPEG nor a raw tensor of "
              + tensorSize()
              + " bytes ("
              + bytes.length
              + " bytes)");
    }
    boolean colour = image.getColorModel().getNumColorComponents() >= 3;
    if (colour != (channels == 3) && !convertColour) {
      throw new RejectedImage(
          Problem.WRONG_CHANNELS,
          "image has "
              + (colour ? 3 : 1)
              + " channel(s), declared "
              + channels
              + " (allow conversion to accept it)");
    }
    if (image.getWidth() != width || image.getHeight() != height) {
      if (sizeRule == SizeRule.EXACT) {
        throw new RejectedImage(
            Problem.WRONG_SIZE,
            "image is "
                + image.getWidth()
                + "x"
                + image.getHeight()
                + ", declared "
                + width
                + "x"
                + height
                + " (rule exact; use resize to scale)");
      }
      image = scale(image);
    }
    float[] out = new float[tensorSize()];
    int plane = height * width;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int rgb = image.getRGB(x, y);
        float r = ((rgb >> 16) & 0xff) / 255f;
        float g = ((rgb >> 8) & 0xff) / 255f;
        float b = (rgb & 0xff) / 255f;
        int at = y * width + x;
        if (channels == 1) {
          // ITU-R BT.601 luma, as PIL's convert("L").
          out[at] = 0.299f * r + 0.587f * g + 0.114f * b;
        } else {
          out[at] = r;
          out[plane + at] = g;
          out[2 * plane + at] = b;
        }
      }
    }
    return out;
  }

  private BufferedImage scale(BufferedImage in) {
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(in, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** PNG or JPEG magic: a raw tensor that happens to have the declared size is not one of them. */
  private static boolean looksEncoded(byte[] b) {
    boolean png =
        b.length > 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G';
    boolean jpeg = b.length > 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8;
    return png || jpeg;
  }
}
