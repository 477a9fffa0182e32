package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.core.testing.StateBackend;
import io.driftgate.core.testing.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A gate decision left in the artifact store by a process without the database (a gate pod), then
 * applied by the one process that writes it (the launcher): on each state database and each store.
 */
class GateDecisionTest {
  static final String MODEL = "flight-delay";

  @TempDir Path dir;

  static Stream<Arguments> backends() {
    return Stream.of(StateBackend.values())
        .flatMap(b -> Stream.of(Stores.values()).map(s -> Arguments.of(b, s)));
  }

  JdbcModelRegistry registry(StateBackend db, Stores stores, String root) {
    StateDatabase d = StateDatabase.open(db.spec(dir));
    return new JdbcModelRegistry(d, stores.open(root), Clock.systemUTC(), dir.resolve("cache"));
  }

  /** What a gate pod does: the challenger as blobs, the decision as an object; no database. */
  static GateDecision podDecides(
      ArtifactStore store, Path challenger, String champion, boolean promote) {
    Manifest m = ModelObjects.putBlobs(store, challenger);
    GateDecision d =
        new GateDecision(
            MODEL,
            promote,
            champion,
            ModelVersion.idFor(m.contentHash()),
            m,
            Map.of("source", store.location("runs/m/r/gate-1"), "lakeSnapshot", "42"),
            promote ? "gate passed: all checks passed" : "gate rejected: FAIL auc",
            "auc +0.02; brier -0.01",
            Map.of(
                "decision",
                promote ? "promoted" : "rejected",
                "champion",
                String.valueOf(champion)),
            List.of("PASS auc +0.02", "PASS brier -0.01"),
            Map.of("auc", 0.02),
            1_000L,
            2_000L,
            3_000L,
            "runs/m/r/gate-1/report.html");
    store.put("runs/m/r/gate-1/decision.json", d.toJson());
    return GateDecision.fromJson(store.read("runs/m/r/gate-1/decision.json"));
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aPromotionIsRegisteredFromTheStoreAndAppliedOnce(StateBackend db, Stores stores)
      throws Exception {
    String root = stores.root(dir);
    JdbcModelRegistry registry = registry(db, stores, root);
    ModelVersion first = registry.register(MODEL, TestModels.modelDir(dir, "v1", "1", false), null);
    registry.moveAlias(MODEL, ModelRegistry.CHAMPION, first.versionId(), "test", "seed", Map.of());

    // the pod: its own store handle on the same root, no registry
    GateDecision d;
    try (ArtifactStore podStore = stores.open(root)) {
      d =
          podDecides(
              podStore,
              TestModels.modelDir(dir, "challenger", "2", false),
              first.versionId(),
              true);
    }
    assertThat(registry.version(MODEL, d.challengerVersion())).as("not before applied").isEmpty();

    GateDecision.Applied a = d.apply(registry, "run-1", 1, Files.createTempDirectory(dir, "s"));
    assertThat(a.promoted()).isTrue();
    assertThat(a.version().versionId()).isEqualTo(d.challengerVersion());
    assertThat(a.version().metadata()).containsEntry("lakeSnapshot", "42");
    assertThat(registry.alias(MODEL, ModelRegistry.CHAMPION).orElseThrow().versionId())
        .isEqualTo(d.challengerVersion());
    assertThat(registry.aliases(MODEL)).containsEntry("challenger", d.challengerVersion());
    assertThat(a.entries())
        .extracting(LedgerEntry::alias)
        .containsExactly("challenger", "champion");
    assertThat(a.entries().get(1).reason()).isEqualTo("auc +0.02; brier -0.01");
    assertThat(a.entries().get(1).details())
        .containsEntry("run", "run-1")
        .containsEntry("decision", "promoted");
    assertThat(registry.load(MODEL, d.challengerVersion())).isDirectory();
    assertThat(a.decision()).contains("decisions/" + MODEL + "/");

    // applied again (a restarted launcher sees the pod's verdict again): nothing more is written
    int ledger = registry.ledger(MODEL).size();
    GateDecision.Applied again = d.apply(registry, "run-1", 1, Files.createTempDirectory(dir, "s"));
    assertThat(again.promoted()).isTrue();
    assertThat(again.entries()).isEmpty();
    assertThat(registry.ledger(MODEL)).hasSize(ledger);
    assertThat(registry.artifacts().list("decisions/" + MODEL + "/")).hasSize(1);
    registry.verifyLedger(MODEL);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aPromotionAgainstAChampionThatMovedMeanwhileIsWithheld(StateBackend db, Stores stores)
      throws Exception {
    String root = stores.root(dir);
    JdbcModelRegistry registry = registry(db, stores, root);
    ModelVersion first = registry.register(MODEL, TestModels.modelDir(dir, "v1", "1", false), null);
    registry.moveAlias(MODEL, ModelRegistry.CHAMPION, first.versionId(), "test", "seed", Map.of());
    GateDecision d =
        podDecides(
            registry.artifacts(),
            TestModels.modelDir(dir, "challenger", "2", false),
            first.versionId(),
            true);
    // an operator promotes another version while the gate ran
    ModelVersion other = registry.register(MODEL, TestModels.modelDir(dir, "v3", "3", false), null);
    registry.moveAlias(MODEL, ModelRegistry.CHAMPION, other.versionId(), "ops", "manual", Map.of());

    GateDecision.Applied a = d.apply(registry, "run-2", 1, Files.createTempDirectory(dir, "s"));
    assertThat(a.promoted()).isFalse();
    assertThat(a.reason())
        .contains("champion moved to " + other.versionId())
        .contains("not promoted");
    assertThat(registry.alias(MODEL, ModelRegistry.CHAMPION).orElseThrow().versionId())
        .isEqualTo(other.versionId());
    assertThat(registry.aliases(MODEL)).containsEntry("challenger", d.challengerVersion());
    assertThat(a.entries())
        .singleElement()
        .satisfies(e -> assertThat(e.details()).containsEntry("decision", "withheld"));
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aRejectionRegistersTheChallengerAndLeavesTheChampion(StateBackend db, Stores stores)
      throws Exception {
    JdbcModelRegistry registry = registry(db, stores, stores.root(dir));
    GateDecision d =
        podDecides(
            registry.artifacts(), TestModels.modelDir(dir, "challenger", "2", false), null, false);
    GateDecision.Applied a = d.apply(registry, "run-3", 2, Files.createTempDirectory(dir, "s"));
    assertThat(a.promoted()).isFalse();
    assertThat(registry.alias(MODEL, ModelRegistry.CHAMPION)).isEmpty();
    assertThat(registry.aliases(MODEL)).containsOnlyKeys("challenger");
    assertThat(a.entries())
        .singleElement()
        .extracting(LedgerEntry::reason)
        .isEqualTo("gate rejected: FAIL auc");
  }

  @ParameterizedTest
  @MethodSource("backends")
  void aDecisionWhoseBlobsWereTamperedWithIsRefusedAndRegistersNothing(
      StateBackend db, Stores stores) throws Exception {
    JdbcModelRegistry registry = registry(db, stores, stores.root(dir));
    GateDecision d =
        podDecides(
            registry.artifacts(), TestModels.modelDir(dir, "challenger", "2", false), null, true);
    registry
        .artifacts()
        .put(ArtifactStore.blobKey(d.challenger().files().get("params.bin")), "x".getBytes());
    assertThatThrownBy(() -> d.apply(registry, "run-4", 1, Files.createTempDirectory(dir, "s")))
        .isInstanceOf(TamperedModelException.class);
    assertThat(registry.versions(MODEL)).isEmpty();
    assertThat(registry.ledger(MODEL)).isEmpty();
    // a decision naming a version that is not its content's is refused too
    GateDecision forged =
        new GateDecision(
            MODEL,
            true,
            null,
            "sha256:" + "0".repeat(12),
            d.challenger(),
            null,
            "r",
            "r",
            null,
            null,
            null,
            0,
            0,
            0,
            null);
    assertThatThrownBy(forged::check).isInstanceOf(TamperedModelException.class);
  }

  @ParameterizedTest
  @MethodSource("backends")
  void theChampionNamedToAGateComesBackWithItsManifest(StateBackend db, Stores stores)
      throws Exception {
    JdbcModelRegistry registry = registry(db, stores, stores.root(dir));
    assertThat(GateDecision.Champion.of(registry, MODEL)).isEqualTo(GateDecision.Champion.NONE);
    ModelVersion v = registry.register(MODEL, TestModels.modelDir(dir, "v1", "1", false), null);
    registry.moveAlias(MODEL, ModelRegistry.CHAMPION, v.versionId(), "t", "seed", Map.of());
    GateDecision.Champion c = GateDecision.Champion.of(registry, MODEL);
    assertThat(c.version()).isEqualTo(v.versionId());
    GateDecision.Champion back = GateDecision.Champion.fromJson(c.toJson());
    assertThat(back).isEqualTo(c);
    Path copy = ModelObjects.materialize(registry.artifacts(), back.manifest(), dir.resolve("c"));
    assertThat(ModelDirectory.verify(copy).contentHash()).isEqualTo(v.contentHash());
  }
}
