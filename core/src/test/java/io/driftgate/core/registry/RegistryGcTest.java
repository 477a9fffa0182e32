package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.state.ArtifactStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A registration that dies after writing its objects and before committing its rows: the version
 * never exists, and {@code gc} removes exactly its unreferenced objects.
 */
class RegistryGcTest {
  private static final String ALL = "io.driftgate.core.registry.Backends#all";

  @TempDir Path tmp;

  /** Stands for the process dying between the objects and the rows. */
  private static final class Crash extends RuntimeException {
    Crash() {
      super("killed before commit");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void aCrashBetweenObjectsAndRowsLeavesNoVersionAndGcRemovesItsObjects(Backends.Backend backend) {
    Backends.Env env = backend.create(tmp.resolve("state"));
    JdbcModelRegistry registry = env.registry(Clock.systemUTC());
    ModelVersion kept =
        registry.register("fraud", TestModels.modelDir(tmp, "a", "a", true), Map.of());
    registry.moveAlias("fraud", "champion", kept.versionId(), "ci", "first", Map.of());
    List<String> keptObjects = env.keys();

    Path crashed = TestModels.modelDir(tmp, "b", "b", true);
    Manifest crashedManifest = ModelDirectory.readManifest(crashed);
    registry.afterObjectsWritten =
        v -> {
          throw new Crash();
        };
    assertThatThrownBy(() -> registry.register("fraud", crashed, Map.of("run", "r-2")))
        .isInstanceOf(Crash.class);
    registry.afterObjectsWritten = v -> {};

    // The objects are there, the version is not, from this or any other registry instance.
    String blob = ArtifactStore.blobKey(Sha256.of("weights-b"));
    String manifest = JdbcModelRegistry.manifestKey("fraud", crashedManifest.contentHash());
    assertThat(env.keys()).contains(blob, manifest).hasSize(keptObjects.size() + 2);
    String crashedId = ModelVersion.idFor(crashedManifest.contentHash());
    for (JdbcModelRegistry r : List.of(registry, env.registry(Clock.systemUTC(), "other"))) {
      assertThat(r.versions("fraud"))
          .extracting(ModelVersion::versionId)
          .containsExactly(kept.versionId());
      assertThat(r.version("fraud", crashedId)).isEmpty();
    }
    assertThatThrownBy(
            () -> registry.moveAlias("fraud", "champion", crashedId, "ci", "x", Map.of()))
        .isInstanceOf(java.util.NoSuchElementException.class);

    // Within the grace period nothing is removed: the registration might still be running.
    JdbcModelRegistry.GcReport young = registry.gc(Duration.ofHours(1), false);
    assertThat(young.removed()).isEmpty();
    assertThat(young.young())
        .extracting(ArtifactStore.StoredObject::key)
        .containsExactlyInAnyOrder(blob, manifest);
    assertThat(env.keys()).contains(blob, manifest);

    // A dry run names them and removes nothing.
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofHours(2));
    JdbcModelRegistry gcLater = env.registry(later, "gc");
    JdbcModelRegistry.GcReport dry = gcLater.gc(Duration.ofHours(1), true);
    List<String> unreferenced = List.of(blob, manifest).stream().sorted().toList();
    assertThat(dry.dryRun()).isTrue();
    assertThat(dry.removed())
        .extracting(ArtifactStore.StoredObject::key)
        .containsExactlyInAnyOrderElementsOf(unreferenced);
    assertThat(dry.referenced()).isEqualTo(keptObjects.size());
    assertThat(env.keys()).contains(blob, manifest);

    JdbcModelRegistry.GcReport done = gcLater.gc(Duration.ofHours(1), false);
    assertThat(done.removed())
        .extracting(ArtifactStore.StoredObject::key)
        .containsExactlyInAnyOrderElementsOf(unreferenced);
    assertThat(done.removedBytes()).isPositive();
    assertThat(env.keys()).containsExactlyElementsOf(keptObjects);
    // The kept version still loads, verified, from a fresh cache; the ledger is untouched.
    assertThat(
            env.registry(Clock.systemUTC(), "fresh")
                .load("fraud", kept.versionId())
                .resolve("params.bin"))
        .hasContent("weights-a");
    registry.verifyLedger("fraud");
    assertThat(registry.gc(Duration.ZERO, false).removed()).isEmpty();

    // Registering the crashed directory again works and writes its objects again.
    ModelVersion again = registry.register("fraud", crashed, Map.of());
    assertThat(again.versionId()).isEqualTo(crashedId);
    assertThat(env.keys()).contains(blob, manifest);
    assertThat(registry.load("fraud", crashedId).resolve("params.bin")).hasContent("weights-b");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource(ALL)
  void reRegisteringRestoresObjectsRemovedUnderARow(Backends.Backend backend) {
    // gc racing a registration of old orphaned content could remove an object that a row
    // commits a moment later; registering the content again writes back what is missing.
    Backends.Env env = backend.create(tmp.resolve("state"));
    JdbcModelRegistry registry = env.registry(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    Path src = TestModels.modelDir(tmp, "a", "a", true);
    ModelVersion v = registry.register("fraud", src, Map.of());
    String blob = ArtifactStore.blobKey(Sha256.of("weights-a"));
    env.store().delete(blob);
    assertThatThrownBy(() -> env.registry(Clock.systemUTC(), "c1").load("fraud", v.versionId()))
        .isInstanceOf(TamperedModelException.class)
        .hasMessageContaining("'params.bin' removed");

    assertThat(registry.register("fraud", src, Map.of())).isEqualTo(v);
    assertThat(env.keys()).contains(blob);
    assertThat(
            env.registry(Clock.systemUTC(), "c2")
                .load("fraud", v.versionId())
                .resolve("params.bin"))
        .hasContent("weights-a");
  }
}
