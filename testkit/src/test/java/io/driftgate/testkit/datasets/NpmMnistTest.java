package io.driftgate.testkit.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpmMnistTest {
  @Test
  void readsEachClassFileAsGreyLevels(@TempDir Path dir) throws Exception {
    Path digits = Files.createDirectories(dir.resolve("package/src/digits"));
    for (int c = 0; c < 10; c++) {
      StringBuilder json = new StringBuilder("{\"data\":[");
      for (int i = 0; i < 784 * (c == 3 ? 2 : 1); i++) {
        json.append(i == 0 ? "" : ",").append(i == 5 ? "1" : i == 6 ? "0.5" : "0");
      }
      Files.writeString(digits.resolve(c + ".json"), json.append("]}").toString());
    }
    IdxImages images = NpmMnist.read(dir);
    assertThat(images.count()).isEqualTo(11);
    assertThat(images.label(3)).isEqualTo(3);
    assertThat(images.label(4)).isEqualTo(3);
    assertThat(images.label(10)).isEqualTo(9);
    assertThat(images.image(0)[5] & 0xff).isEqualTo(255);
    assertThat(images.image(0)[6] & 0xff).isEqualTo(128);
  }

  @Test
  void aTruncatedFileIsRefused(@TempDir Path dir) throws Exception {
    Path digits = Files.createDirectories(dir.resolve("package/src/digits"));
    for (int c = 0; c < 10; c++) {
      Files.writeString(digits.resolve(c + ".json"), "{\"data\":[0,0,0]}");
    }
    assertThatThrownBy(() -> NpmMnist.read(dir)).hasMessageContaining("28x28");
  }

  @Test
  void aMissingPackageNamesTheFetchScript(@TempDir Path dir) {
    assertThatThrownBy(() -> NpmMnist.read(dir)).hasMessageContaining("fetch-datasets.sh");
  }

  /** The real package (fetched by examples/scripts/fetch-datasets.sh, which CI runs first). */
  @Test
  void readsTheRealDigits() {
    IdxImages images = NpmMnist.read(Path.of("..").resolve(NpmMnist.DEFAULT_DIR));
    assertThat(images.count()).isBetween(9_000, 11_000);
    int[] perClass = new int[10];
    for (int i = 0; i < images.count(); i++) {
      perClass[images.label(i)]++;
    }
    assertThat(java.util.Arrays.stream(perClass).min().orElseThrow()).isGreaterThan(800);
    long lit = 0;
    for (byte b : images.image(0)) {
      lit += (b & 0xff) > 128 ? 1 : 0;
    }
    assertThat(lit).as("a digit has ink").isBetween(40L, 400L);
  }
}
