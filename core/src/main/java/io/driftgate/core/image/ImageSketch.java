package io.driftgate.core.image;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * What drift needs of a window of images, in fixed space: per channel a histogram of pixel
 * intensities ({@code bins} over [0, 1]) and the running mean and variance of each image's mean
 * brightness. Compared by {@code io.driftgate.core.drift.metrics.ImageIntensity} (Jensen–Shannon
 * distance per channel, the largest reported, and the shift of mean brightness in reference
 * standard deviations). Merge by adding.
 */
public final class ImageSketch {
  private final int channels;
  private final int bins;
  private final long[][] histograms;
  private long images;
  private double brightnessSum;
  private double brightnessSquares;

  public ImageSketch(int channels, int bins) {
    if (channels < 1 || bins < 2) {
      throw new IllegalArgumentException("channels >= 1 and bins >= 2: " + channels + ", " + bins);
    }
    this.channels = channels;
    this.bins = bins;
    this.histograms = new long[channels][bins];
  }

  /** Adds one image tensor ({@code channels x h x w}, values in [0, 1]). */
  public void add(float[] tensor) {
    if (tensor.length % channels != 0) {
      throw new IllegalArgumentException(
          "tensor of " + tensor.length + " values is not " + channels + " equal planes");
    }
    int plane = tensor.length / channels;
    double sum = 0;
    for (int c = 0; c < channels; c++) {
      long[] h = histograms[c];
      for (int i = c * plane; i < (c + 1) * plane; i++) {
        float v = Math.min(1f, Math.max(0f, tensor[i]));
        h[Math.min(bins - 1, (int) (v * bins))]++;
        sum += v;
      }
    }
    double brightness = sum / tensor.length;
    images++;
    brightnessSum += brightness;
    brightnessSquares += brightness * brightness;
  }

  public void merge(ImageSketch other) {
    if (other.channels != channels || other.bins != bins) {
      throw new IllegalArgumentException("sketches of different shapes");
    }
    for (int c = 0; c < channels; c++) {
      for (int b = 0; b < bins; b++) {
        histograms[c][b] += other.histograms[c][b];
      }
    }
    images += other.images;
    brightnessSum += other.brightnessSum;
    brightnessSquares += other.brightnessSquares;
  }

  public long images() {
    return images;
  }

  public double meanBrightness() {
    return images == 0 ? 0 : brightnessSum / images;
  }

  public double brightnessStd() {
    if (images < 2) {
      return 0;
    }
    double mean = meanBrightness();
    return Math.sqrt(Math.max(0, (brightnessSquares - images * mean * mean) / (images - 1)));
  }

  public long[] histogram(int channel) {
    return histograms[channel].clone();
  }

  public int channels() {
    return channels;
  }

  public int bins() {
    return bins;
  }

  /** Writes the sketch; {@link #read} reads it back. */
  public void write(DataOutput out) throws IOException {
    out.writeInt(channels);
    out.writeInt(bins);
    for (long[] h : histograms) {
      for (long v : h) {
        out.writeLong(v);
      }
    }
    out.writeLong(images);
    out.writeDouble(brightnessSum);
    out.writeDouble(brightnessSquares);
  }

  public static ImageSketch read(DataInput in) throws IOException {
    ImageSketch s = new ImageSketch(in.readInt(), in.readInt());
    for (long[] h : s.histograms) {
      for (int b = 0; b < h.length; b++) {
        h[b] = in.readLong();
      }
    }
    s.images = in.readLong();
    s.brightnessSum = in.readDouble();
    s.brightnessSquares = in.readDouble();
    return s;
  }
}
