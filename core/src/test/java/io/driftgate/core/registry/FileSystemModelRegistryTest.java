package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSystemModelRegistryTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

  @TempDir Path tmp;
  private Path root;
  private TestModels.TickingClock clock;
  private FileSystemModelRegistry registry;

  @BeforeEach
  void setUp() {
    root = tmp.resolve("registry");
    clock = new TestModels.TickingClock(T0);
    registry = new FileSystemModelRegistry(root, clock);
  }

  @Test
  void registerCopiesContentAddressedDirectory() throws Exception {
    Path src = TestModels.modelDir(tmp, "src", "a", true);
    Manifest manifest = ModelDirectory.readManifest(src);

    ModelVersion v = registry.register("fraud", src, Map.of("run", "r-1"));

    assertThat(v.model()).isEqualTo("fraud");
    assertThat(v.contentHash()).isEqualTo(manifest.contentHash());
    assertThat(v.versionId()).isEqualTo("sha256:" + manifest.contentHash().substring(0, 16));
    assertThat(v.registeredAt()).isEqualTo(T0);
    assertThat(v.metadata()).containsExactly(Map.entry("run", "r-1"));
    assertThat(v.path())
        .isEqualTo(
            root.resolve("fraud/versions/" + manifest.contentHash().substring(0, 16) + "/model"));
    assertThat(Files.readString(v.path().resolve("validation/predictions.csv")))
        .isEqualTo(Files.readString(src.resolve("validation/predictions.csv")));
    assertThat(registry.load("fraud", v.versionId())).isEqualTo(v.path());
    assertThat(registry.version("fraud", v.versionId())).contains(v);
    assertThat(registry.versions("fraud")).containsExactly(v);
    try (Stream<Path> staging = Files.list(root.resolve("fraud/.staging"))) {
      assertThat(staging).isEmpty();
    }
  }

  @Test
  void reRegisteringIdenticalContentIsIdempotent() {
    Path src = TestModels.modelDir(tmp, "src", "a", true);
    ModelVersion first = registry.register("fraud", src, Map.of("run", "r-1"));
    // same bytes from another directory, without a manifest, other metadata, later clock
    Path copy = TestModels.modelDir(tmp, "copy", "a", false);

    ModelVersion again = registry.register("fraud", copy, Map.of("run", "r-2"));

    assertThat(again).isEqualTo(first);
    assertThat(again.registeredAt()).isEqualTo(T0);
    assertThat(again.metadata()).containsEntry("run", "r-1");
    assertThat(registry.versions("fraud")).hasSize(1);
    assertThat(Files.exists(copy.resolve("manifest.json"))).as("source untouched").isFalse();
  }

  @Test
  void differentContentGivesANewImmutableVersion() throws Exception {
    ModelVersion a = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    ModelVersion b = registry.register("fraud", TestModels.modelDir(tmp, "b", "b", true), null);

    assertThat(b.versionId()).isNotEqualTo(a.versionId());
    assertThat(registry.versions("fraud")).containsExactly(a, b);
    assertThat(Files.readString(a.path().resolve("params.bin"))).isEqualTo("weights-a");
    assertThat(Files.readString(b.path().resolve("params.bin"))).isEqualTo("weights-b");
    try (Stream<Path> files = Files.walk(a.path())) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.getPosixFilePermissions(f))
            .as("%s read-only", f)
            .doesNotContain(
                PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.OTHERS_WRITE);
      }
    }
    assertThat(registry.versions("unknown")).isEmpty();
    assertThat(registry.version("fraud", "sha256:0000000000000000")).isEmpty();
  }

  @Test
  void sourceThatDoesNotMatchItsManifestIsRefused() {
    Path src = TestModels.modelDir(tmp, "src", "a", true);
    TestModels.write(src.resolve("params.bin"), "swapped");

    assertThatThrownBy(() -> registry.register("fraud", src, Map.of()))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.file()).isEqualTo("params.bin");
              assertThat(e.directory()).isEqualTo(src);
            });
    assertThat(registry.versions("fraud")).isEmpty();
  }

  @Test
  void loadRefusesAChangedFile() {
    ModelVersion v = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    TestModels.write(v.path().resolve("params.bin"), "poisoned");

    assertThatThrownBy(() -> registry.load("fraud", v.versionId()))
        .isInstanceOf(TamperedModelException.class)
        .hasMessageContaining("'params.bin' changed")
        .hasMessageContaining(Sha256.of("weights-a"))
        .hasMessageContaining(Sha256.of("poisoned"));
  }

  @Test
  void loadRefusesAnAddedFile() {
    ModelVersion v = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    TestModels.write(v.path().resolve("validation/backdoor.py"), "import os");

    assertThatThrownBy(() -> registry.load("fraud", v.versionId()))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.file()).isEqualTo("validation/backdoor.py");
              assertThat(e.kind()).isEqualTo(TamperedModelException.Kind.ADDED);
            })
        .hasMessageContaining("validation/backdoor.py");
  }

  @Test
  void loadRefusesADeletedFile() throws Exception {
    ModelVersion v = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    Files.delete(v.path().resolve("metrics.json"));

    assertThatThrownBy(() -> registry.load("fraud", v.versionId()))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> assertThat(e.kind()).isEqualTo(TamperedModelException.Kind.REMOVED))
        .hasMessageContaining("'metrics.json' removed");
  }

  @Test
  void loadRefusesAConsistentlyRewrittenManifest() {
    ModelVersion v = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    // swap a file and regenerate the manifest: the directory is self-consistent but no longer
    // the content that was registered under this id
    v.path().resolve("manifest.json").toFile().setWritable(true);
    TestModels.write(v.path().resolve("params.bin"), "poisoned");
    Manifest forged = ModelDirectory.writeManifest(v.path());

    assertThatThrownBy(() -> registry.load("fraud", v.versionId()))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.file()).isEqualTo("manifest.json");
              assertThat(e.expectedSha256()).isEqualTo(v.contentHash());
              assertThat(e.actualSha256()).isEqualTo(forged.contentHash());
            });
    // and re-registering the original content does not silently accept the tampered copy
    assertThatThrownBy(
            () ->
                registry.register("fraud", TestModels.modelDir(tmp, "again", "a", false), Map.of()))
        .isInstanceOf(TamperedModelException.class);
  }

  @Test
  void unknownAndMalformedVersionsAndNames() {
    assertThatThrownBy(() -> registry.load("fraud", "sha256:0123456789abcdef"))
        .isInstanceOf(NoSuchElementException.class);
    assertThatThrownBy(() -> registry.load("fraud", "latest"))
        .isInstanceOf(IllegalArgumentException.class);
    Path src = TestModels.modelDir(tmp, "a", "a", true);
    for (String bad : List.of("../escape", "", ".hidden", "a/b")) {
      assertThatThrownBy(() -> registry.register(bad, src, Map.of()))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(Files.exists(root)).isFalse();
  }
}
