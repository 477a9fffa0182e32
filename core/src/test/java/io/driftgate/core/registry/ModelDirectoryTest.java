package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelDirectoryTest {

  @TempDir Path tmp;

  @Test
  void manifestListsEveryFileSortedWithSha256AndContentHash() throws Exception {
    Path dir = tmp.resolve("m");
    TestModels.write(dir.resolve("b.txt"), "bee");
    TestModels.write(dir.resolve("a/z.txt"), "zed");
    TestModels.write(dir.resolve("a.txt"), "hello");

    Manifest m = ModelDirectory.writeManifest(dir);

    assertThat(m.files().keySet()).containsExactly("a.txt", "a/z.txt", "b.txt");
    assertThat(m.files().get("a.txt"))
        .isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    String lines =
        "a.txt "
            + Sha256.of("hello")
            + "\n"
            + "a/z.txt "
            + Sha256.of("zed")
            + "\n"
            + "b.txt "
            + Sha256.of("bee")
            + "\n";
    assertThat(m.contentHash()).isEqualTo(Sha256.of(lines));
    assertThat(ModelDirectory.readManifest(dir)).isEqualTo(m);
    assertThat(ModelDirectory.verify(dir)).isEqualTo(m);
    // rewriting does not list the manifest itself
    assertThat(ModelDirectory.writeManifest(dir)).isEqualTo(m);
    assertThat(Files.exists(dir.resolve("manifest.json.tmp"))).isFalse();
  }

  @Test
  void contentHashDependsOnlyOnContentAndPaths() {
    Path one = TestModels.modelDir(tmp, "one", "s", true);
    Path two = TestModels.modelDir(tmp, "two", "s", true);
    Path other = TestModels.modelDir(tmp, "three", "t", true);
    assertThat(ModelDirectory.readManifest(one).contentHash())
        .isEqualTo(ModelDirectory.readManifest(two).contentHash())
        .isNotEqualTo(ModelDirectory.readManifest(other).contentHash());
  }

  @Test
  void changedFileIsNamedWithBothHashes() {
    Path dir = TestModels.modelDir(tmp, "m", "s", true);
    String before = ModelDirectory.readManifest(dir).files().get("validation/predictions.csv");
    TestModels.write(dir.resolve("validation/predictions.csv"), "id,p\n1,0.99\n");

    assertThatThrownBy(() -> ModelDirectory.verify(dir))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.file()).isEqualTo("validation/predictions.csv");
              assertThat(e.kind()).isEqualTo(TamperedModelException.Kind.CHANGED);
              assertThat(e.expectedSha256()).isEqualTo(before);
              assertThat(e.actualSha256()).isEqualTo(Sha256.of("id,p\n1,0.99\n"));
              assertThat(e.getMessage())
                  .contains("validation/predictions.csv", before, e.actualSha256());
            });
  }

  @Test
  void addedAndRemovedFilesAreAllReported() throws Exception {
    Path dir = TestModels.modelDir(tmp, "m", "s", true);
    TestModels.write(dir.resolve("extra.bin"), "x");
    Files.delete(dir.resolve("metrics.json"));

    assertThatThrownBy(() -> ModelDirectory.verify(dir))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.problems())
                  .extracting(
                      TamperedModelException.Problem::file, TamperedModelException.Problem::kind)
                  .containsExactly(
                      org.assertj.core.groups.Tuple.tuple(
                          "extra.bin", TamperedModelException.Kind.ADDED),
                      org.assertj.core.groups.Tuple.tuple(
                          "metrics.json", TamperedModelException.Kind.REMOVED));
              assertThat(e.getMessage()).contains("'extra.bin' added", "'metrics.json' removed");
            });
  }

  @Test
  void missingOrInconsistentManifestIsRefused() throws Exception {
    Path dir = TestModels.modelDir(tmp, "m", "s", false);
    assertThatThrownBy(() -> ModelDirectory.verify(dir))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.file()).isEqualTo("manifest.json");
              assertThat(e.kind()).isEqualTo(TamperedModelException.Kind.MANIFEST_INVALID);
            });

    ModelDirectory.writeManifest(dir);
    Path mf = dir.resolve("manifest.json");
    String json = Files.readString(mf);
    String hash = ModelDirectory.readManifest(dir).contentHash();
    Files.writeString(mf, json.replace(hash, "0".repeat(64)));
    assertThatThrownBy(() -> ModelDirectory.verify(dir))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.file()).isEqualTo("manifest.json");
              assertThat(e.expectedSha256()).isEqualTo("0".repeat(64));
              assertThat(e.actualSha256()).isEqualTo(hash);
            });
  }

  @Test
  void symlinksAreRejected() throws Exception {
    Path dir = TestModels.modelDir(tmp, "m", "s", false);
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("metrics.json"));
    assertThatThrownBy(() -> ModelDirectory.writeManifest(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("link");
  }
}
