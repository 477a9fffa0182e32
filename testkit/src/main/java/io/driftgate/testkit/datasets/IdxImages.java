package io.driftgate.testkit.datasets;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Images and labels in the IDX format of MNIST and Fashion-MNIST (gzip-compressed, as Debian's
 * {@code dataset-fashion-mnist} installs them under {@code /usr/share/datasets/fashion-mnist}).
 *
 * @param rows image height
 * @param cols image width
 * @param pixels {@code count * rows * cols} grey levels 0..255, row-major, image after image
 * @param labels one class per image
 */
public record IdxImages(int rows, int cols, byte[] pixels, byte[] labels) {
  /** Where Debian installs Fashion-MNIST. */
  public static final Path FASHION_MNIST_DIR = Path.of("/usr/share/datasets/fashion-mnist");

  private static final int IMAGES_MAGIC = 0x00000803;
  private static final int LABELS_MAGIC = 0x00000801;

  public IdxImages {
    if (pixels.length != labels.length * rows * cols) {
      throw new IllegalArgumentException(
          "IDX pixels (" + pixels.length + ") do not match " + labels.length + " images");
    }
  }

  /** Reads {@code <split>-images-idx3-ubyte.gz} and {@code <split>-labels-idx1-ubyte.gz}. */
  public static IdxImages read(Path dir, String split) {
    Path images = dir.resolve(split + "-images-idx3-ubyte.gz");
    Path labels = dir.resolve(split + "-labels-idx1-ubyte.gz");
    if (!Files.isRegularFile(images) || !Files.isRegularFile(labels)) {
      throw new IllegalStateException(
          "IDX files for split '"
              + split
              + "' are missing in "
              + dir
              + ": install Debian's dataset-fashion-mnist (examples/scripts/fetch-datasets.sh)");
    }
    try (DataInputStream im = open(images);
        DataInputStream lb = open(labels)) {
      expectMagic(im, IMAGES_MAGIC, images);
      expectMagic(lb, LABELS_MAGIC, labels);
      int count = im.readInt();
      int rows = im.readInt();
      int cols = im.readInt();
      int labelCount = lb.readInt();
      if (count != labelCount) {
        throw new IllegalStateException(
            images + " holds " + count + " images but " + labels + " " + labelCount + " labels");
      }
      byte[] pixels = new byte[Math.multiplyExact(count, rows * cols)];
      im.readFully(pixels);
      byte[] classes = new byte[count];
      lb.readFully(classes);
      return new IdxImages(rows, cols, pixels, classes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Number of images. */
  public int count() {
    return labels.length;
  }

  /** Image {@code i}'s grey levels (a copy). */
  public byte[] image(int i) {
    byte[] out = new byte[rows * cols];
    System.arraycopy(pixels, i * rows * cols, out, 0, out.length);
    return out;
  }

  /** Image {@code i}'s class. */
  public int label(int i) {
    return labels[i] & 0xff;
  }

  private static DataInputStream open(Path p) throws IOException {
    InputStream in = Files.newInputStream(p);
    return new DataInputStream(new GZIPInputStream(in, 1 << 16));
  }

  private static void expectMagic(DataInputStream in, int magic, Path p) throws IOException {
    int got = in.readInt();
    if (got != magic) {
      throw new IllegalStateException(
          String.format(
              "%s is not an IDX file of the expected type (magic %08x, want %08x)", p, got, magic));
    }
  }
}
