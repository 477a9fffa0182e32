package io.driftgate.testkit.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxImagesTest {
  @Test
  void readsImagesAndLabelsWritten(@TempDir Path dir) throws IOException {
    byte[] pixels = new byte[3 * 2 * 4];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 10);
    }
    write(dir.resolve("train-images-idx3-ubyte.gz"), 0x803, new int[] {3, 2, 4}, pixels);
    write(dir.resolve("train-labels-idx1-ubyte.gz"), 0x801, new int[] {3}, new byte[] {7, 0, 9});
    IdxImages idx = IdxImages.read(dir, "train");
    assertThat(idx.count()).isEqualTo(3);
    assertThat(idx.rows()).isEqualTo(2);
    assertThat(idx.cols()).isEqualTo(4);
    assertThat(idx.label(2)).isEqualTo(9);
    assertThat(idx.image(1))
        .containsExactly(80, 90, 100, 110, 120, (byte) 130, (byte) 140, (byte) 150);
  }

  @Test
  void labelsSwappedForImagesAreRefused(@TempDir Path dir) throws IOException {
    write(dir.resolve("t-images-idx3-ubyte.gz"), 0x801, new int[] {1}, new byte[] {1});
    write(dir.resolve("t-labels-idx1-ubyte.gz"), 0x801, new int[] {1}, new byte[] {1});
    assertThatThrownBy(() -> IdxImages.read(dir, "t")).hasMessageContaining("magic 00000801");
  }

  @Test
  void missingFilesNameTheFix(@TempDir Path dir) {
    assertThatThrownBy(() -> IdxImages.read(dir, "train"))
        .hasMessageContaining("dataset-fashion-mnist");
  }

  /** The real Fashion-MNIST (installed by deploy/scripts/validate.sh, which CI runs first). */
  @Test
  void readsDebiansFashionMnist() {
    IdxImages test = IdxImages.read(IdxImages.FASHION_MNIST_DIR, "t10k");
    assertThat(test.count()).isEqualTo(10_000);
    assertThat(test.rows()).isEqualTo(28);
    assertThat(test.cols()).isEqualTo(28);
    int[] perClass = new int[10];
    for (int i = 0; i < test.count(); i++) {
      perClass[test.label(i)]++;
    }
    assertThat(perClass).containsOnly(1_000);
  }

  private static void write(Path p, int magic, int[] dims, byte[] data) throws IOException {
    try (OutputStream f = Files.newOutputStream(p);
        DataOutputStream out = new DataOutputStream(new GZIPOutputStream(f))) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(data);
    }
  }
}
