package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.state.ArtifactStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Versions: registration, content addressing, loading and tamper detection, on every backend. */
class JdbcModelRegistryTest {

  private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");
  private static final String ALL = "io.driftgate.core.registry.Backends#all";

  @TempDir Path tmp;
  private TestModels.TickingClock clock;
  private Backends.Env env;
  private JdbcModelRegistry registry;

  private void open(Backends.Backend backend) {
    clock = new TestModels.TickingClock(T0);
    env = backend.create(tmp.resolve("state"));
    registry = env.registry(clock);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void registerStoresContentAddressedObjectsAndARow(Backends.Backend backend) throws Exception {
    open(backend);
    Path src = TestModels.modelDir(tmp, "src", "a", true);
    Manifest manifest = ModelDirectory.readManifest(src);

    ModelVersion v = registry.register("fraud", src, Map.of("run", "r-1"));

    assertThat(v.model()).isEqualTo("fraud");
    assertThat(v.contentHash()).isEqualTo(manifest.contentHash());
    assertThat(v.versionId()).isEqualTo("sha256:" + manifest.contentHash().substring(0, 16));
    assertThat(v.registeredAt()).isEqualTo(T0);
    assertThat(v.metadata()).containsExactly(Map.entry("run", "r-1"));
    // One object per file content plus the manifest; nothing else in the store.
    List<String> expected =
        Stream.concat(
                manifest.files().values().stream().map(ArtifactStore::blobKey),
                Stream.of("manifests/fraud/" + manifest.contentHash() + ".json"))
            .distinct()
            .sorted()
            .toList();
    assertThat(env.keys()).containsExactlyElementsOf(expected);
    assertThat(env.store().read(ArtifactStore.blobKey(Sha256.of("weights-a"))))
        .isEqualTo("weights-a".getBytes(StandardCharsets.UTF_8));
    assertThat(registry.manifest("fraud", v.versionId())).isEqualTo(manifest);
    // The row is the version.
    try (Connection c = env.db().connect();
        ResultSet r =
            c.createStatement()
                .executeQuery(
                    "SELECT version_id, content_hash, registered_ms FROM dg_model_versions")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getString(1)).isEqualTo(v.versionId());
      assertThat(r.getString(2)).isEqualTo(v.contentHash());
      assertThat(r.getLong(3)).isEqualTo(T0.toEpochMilli());
      assertThat(r.next()).isFalse();
    }

    Path loaded = registry.load("fraud", v.versionId());
    assertThat(loaded).isEqualTo(v.path());
    assertThat(Files.readString(loaded.resolve("validation/predictions.csv")))
        .isEqualTo(Files.readString(src.resolve("validation/predictions.csv")));
    assertThat(ModelDirectory.verify(loaded)).isEqualTo(manifest);
    assertThat(registry.version("fraud", v.versionId())).contains(v);
    assertThat(registry.versions("fraud")).containsExactly(v);
    // Another machine (its own cache) loads the same bytes from the store.
    Path elsewhere = env.registry(clock, "cache-2").load("fraud", v.versionId());
    assertThat(elsewhere).isNotEqualTo(loaded);
    assertThat(Files.readString(elsewhere.resolve("params.bin"))).isEqualTo("weights-a");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void reRegisteringIdenticalContentIsIdempotent(Backends.Backend backend) {
    open(backend);
    Path src = TestModels.modelDir(tmp, "src", "a", true);
    ModelVersion first = registry.register("fraud", src, Map.of("run", "r-1"));
    List<String> objects = env.keys();
    // same bytes from another directory, without a manifest, other metadata, later clock
    Path copy = TestModels.modelDir(tmp, "copy", "a", false);

    ModelVersion again = registry.register("fraud", copy, Map.of("run", "r-2"));

    assertThat(again).isEqualTo(first);
    assertThat(again.registeredAt()).isEqualTo(T0);
    assertThat(again.metadata()).containsEntry("run", "r-1");
    assertThat(registry.versions("fraud")).hasSize(1);
    assertThat(env.keys()).isEqualTo(objects);
    assertThat(Files.exists(copy.resolve("manifest.json"))).as("source untouched").isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void differentContentGivesANewImmutableVersionSharingEqualFiles(Backends.Backend backend)
      throws Exception {
    open(backend);
    ModelVersion a = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    int objectsOfA = env.keys().size();
    ModelVersion b = registry.register("fraud", TestModels.modelDir(tmp, "b", "b", true), null);

    assertThat(b.versionId()).isNotEqualTo(a.versionId());
    assertThat(registry.versions("fraud")).containsExactly(a, b);
    // b differs in params.bin only: one new blob and one new manifest
    assertThat(env.keys()).hasSize(objectsOfA + 2);
    Path da = registry.load("fraud", a.versionId());
    Path db = registry.load("fraud", b.versionId());
    assertThat(Files.readString(da.resolve("params.bin"))).isEqualTo("weights-a");
    assertThat(Files.readString(db.resolve("params.bin"))).isEqualTo("weights-b");
    try (Stream<Path> files = Files.walk(da)) {
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
    // The same content under another model is another version row on the same blobs.
    ModelVersion other =
        registry.register("churn", TestModels.modelDir(tmp, "a2", "a", true), Map.of());
    assertThat(other.contentHash()).isEqualTo(a.contentHash());
    assertThat(registry.versions("churn")).containsExactly(other);
    assertThat(env.keys()).hasSize(objectsOfA + 3); // its own manifest object only
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void sourceThatDoesNotMatchItsManifestIsRefused(Backends.Backend backend) {
    open(backend);
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
    assertThat(env.keys()).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void loadRefusesAChangedObjectInTheStore(Backends.Backend backend) throws Exception {
    open(backend);
    ModelVersion v = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    env.overwrite(ArtifactStore.blobKey(Sha256.of("weights-a")), utf8("poisoned"));

    assertThatThrownBy(() -> registry.load("fraud", v.versionId()))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.file()).isEqualTo("params.bin");
              assertThat(e.kind()).isEqualTo(TamperedModelException.Kind.CHANGED);
              assertThat(e.directory()).isNull();
            })
        .hasMessageContaining("'params.bin' changed")
        .hasMessageContaining(Sha256.of("weights-a"))
        .hasMessageContaining(Sha256.of("poisoned"))
        .hasMessageContaining(env.store().root());
    assertThat(v.path()).as("nothing half-loaded is left").doesNotExist();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void loadRefusesADeletedObjectInTheStore(Backends.Backend backend) {
    open(backend);
    ModelVersion v = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    env.store().delete(ArtifactStore.blobKey(Sha256.of("{\"auc\":0.91}")));

    assertThatThrownBy(() -> registry.load("fraud", v.versionId()))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(TamperedModelException.Kind.REMOVED);
              assertThat(e.file()).isEqualTo("metrics.json");
            })
        .hasMessageContaining("'metrics.json' removed");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void loadRefusesAConsistentlyRewrittenManifestObject(Backends.Backend backend) throws Exception {
    open(backend);
    ModelVersion v = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    // swap a file and rewrite the manifest object to match: the store is self-consistent but
    // no longer the content that the row registered under this id
    Path forgedDir = TestModels.modelDir(tmp, "forged", "poisoned", true);
    Manifest forged = ModelDirectory.readManifest(forgedDir);
    env.overwrite(ArtifactStore.blobKey(Sha256.of("weights-a")), utf8("weights-poisoned"));
    env.overwrite(
        JdbcModelRegistry.manifestKey("fraud", v.contentHash()),
        Files.readAllBytes(forgedDir.resolve("manifest.json")));

    assertThatThrownBy(() -> registry.load("fraud", v.versionId()))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.file()).isEqualTo("manifest.json");
              assertThat(e.kind()).isEqualTo(TamperedModelException.Kind.MANIFEST_INVALID);
              assertThat(e.expectedSha256()).isEqualTo(v.contentHash());
              assertThat(e.actualSha256()).isEqualTo(forged.contentHash());
              assertThat(e.problems())
                  .extracting(TamperedModelException.Problem::file)
                  .contains("params.bin");
            });
    // and re-registering the original content does not silently accept the tampered copy
    assertThatThrownBy(
            () ->
                registry.register("fraud", TestModels.modelDir(tmp, "again", "a", false), Map.of()))
        .isInstanceOf(TamperedModelException.class);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void aChangedLocalCopyIsRefusedOnEveryLoad(Backends.Backend backend) throws Exception {
    open(backend);
    ModelVersion v = registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    Path dir = registry.load("fraud", v.versionId());
    TestModels.write(dir.resolve("params.bin"), "poisoned");
    assertThatThrownBy(() -> registry.load("fraud", v.versionId()))
        .isInstanceOf(TamperedModelException.class)
        .hasMessageContaining("'params.bin' changed")
        .hasMessageContaining(Sha256.of("poisoned"));
    TestModels.write(dir.resolve("params.bin"), "weights-a");
    TestModels.write(dir.resolve("validation/backdoor.py"), "import os");
    assertThatThrownBy(() -> registry.load("fraud", v.versionId()))
        .isInstanceOfSatisfying(
            TamperedModelException.class,
            e -> {
              assertThat(e.file()).isEqualTo("validation/backdoor.py");
              assertThat(e.kind()).isEqualTo(TamperedModelException.Kind.ADDED);
            });
    // the store's copy is intact: a fresh cache loads it
    assertThat(env.registry(clock, "fresh").load("fraud", v.versionId()).resolve("params.bin"))
        .hasContent("weights-a");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void unknownAndMalformedVersionsAndNames(Backends.Backend backend) {
    open(backend);
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
    assertThat(env.keys()).isEmpty();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
