package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.LauncherConfig;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.launcher.JobRenderer;
import io.driftgate.launcher.KubernetesBackend;
import io.driftgate.launcher.LakeSnapshotResolver;
import io.driftgate.launcher.Launcher;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.trainer.LakeRange;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes path end to end, short of a cluster: a retrain request → the launcher's Kubernetes
 * backend creates the Jobs in fabric8's CRUD mock API server → {@link InProcessKubelet} runs every
 * container's args with this build's CLI (prepare, the Indexed Job's trials, collect, gate) on a
 * spec mounted from a ConfigMap, a store and the lake (read-only) on PersistentVolumeClaims → the
 * status it writes back moves the run to a gate decision. Every step reads the lake snapshot the
 * launcher pinned, from its metadata file. Proves that the rendered Jobs chain into a promoted
 * model with nothing but the files on the shared store between them.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesLoopIT {
  static final String NS = "ml";
  static final String KEY = "flight-delay/2026-01-05T08:00Z/drift";

  KubernetesClient client;
  @TempDir Path work;

  @Test
  void requestRunsAsJobsWhoseContainersChainIntoAPromotedModel() throws Exception {
    Path lake = TinyLake.write(work.resolve("lake"), 11, 6000);
    Path store = work.resolve("store"); // the PVC; this "node" mounts it at the same path
    String specText = spec(lake, store);
    Path specFile = Files.writeString(work.resolve("driftgate.yaml"), specText);
    ModelSpec spec = SpecLoader.load(specFile);
    LauncherConfig config = LauncherConfig.load(specFile);
    assertThat(config.trials()).isEqualTo(2);
    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("driftgate-spec")
                .endMetadata()
                .addToData("driftgate.yaml", specText)
                .build())
        .create();
    for (String claim : List.of("driftgate-store", "driftgate-lake")) {
      client
          .persistentVolumeClaims()
          .inNamespace(NS)
          .resource(
              new PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName(claim)
                  .endMetadata()
                  .withNewSpec()
                  .withAccessModes("ReadWriteMany")
                  .withNewResources()
                  .addToRequests("storage", new Quantity("10Gi"))
                  .endResources()
                  .endSpec()
                  .build())
          .create();
    }

    LakeRange range = LakeRange.wholeLake(lake);
    RetrainRequest request =
        RetrainRequest.newBuilder()
            .setIdempotencyKey(KEY)
            .setModel(spec.model())
            .setReasons(List.of("drift"))
            .setTriggerWindowEnd(range.to())
            .setDataFrom(range.from())
            .setDataTo(range.to())
            .setValidRecordsSinceLastRun(6000L)
            .setRequestedAt(Instant.now())
            .build();
    Clock clock = Clock.systemUTC();
    JobRenderer renderer = new JobRenderer(config, spec.model());
    try (InProcessKubelet kubelet = new InProcessKubelet(client, NS, work.resolve("node"));
        Launcher launcher =
            new Launcher(
                spec.model(),
                JdbcRunStore.open(spec.state()),
                new RunMachine(config.policy(), clock),
                new KubernetesBackend(client, renderer, spec.model()),
                1,
                clock,
                Duration.ofMillis(200),
                // pods read the pinned snapshot from its metadata file, as with a read-only lake
                Launcher.Pinning.of(LakeSnapshotResolver.forSpec(spec, lake, true, null)))) {
      kubelet.start();
      launcher.start();
      assertThat(launcher.accept(request)).isTrue();
      assertThat(launcher.accept(request)).as("duplicate").isFalse();
      boolean finished = launcher.awaitAllTerminal(Duration.ofMinutes(8));
      String trace = String.join("\n", kubelet.executed());
      RetrainRun run = launcher.run(KEY).orElseThrow();
      assertThat(finished).as(trace).isTrue();
      assertThat(run.state()).as(run.failure() + "\n" + trace).isEqualTo(RunState.PROMOTED);
      assertThat(
              run.history().stream()
                  .map(Transition::to)
                  .filter(s -> s != RunState.REQUESTED)
                  .distinct()
                  .toList())
          .containsExactly(
              RunState.TUNING, RunState.TRAINING_BEST, RunState.GATING, RunState.PROMOTED);

      // Two Jobs, one per step; the Indexed Job ran both trials after preparing the study.
      assertThat(client.batch().v1().jobs().inNamespace(NS).list().getItems()).hasSize(2);
      List<String> steps = kubelet.executed();
      assertThat(steps).allMatch(s -> s.contains(" exit=0: "), "every container exits 0");
      assertThat(steps)
          .filteredOn(s -> s.contains("/prepare exit="))
          .hasSize(2)
          .allMatch(s -> s.contains("tune --prepare-only"));
      assertThat(steps)
          .filteredOn(s -> s.contains("/trial exit="))
          .extracting(s -> s.substring(s.indexOf("train --trial ")).split(" ")[2])
          .containsExactly("0", "1");
      assertThat(steps).filteredOn(s -> s.contains("/train-best exit=")).hasSize(1);
      assertThat(steps).filteredOn(s -> s.contains("/gate exit=")).hasSize(1);

      // Every step read the snapshot the launcher pinned, through its metadata file.
      // (The promotion's keep-tag may have written a newer metadata file since: the pinned one
      // is the file the run recorded, whose current snapshot is the pinned snapshot.)
      long pinned;
      try (Lake l = Lake.open(lake)) {
        pinned = l.snapshotId();
      }
      String metadata = run.request().lakeMetadataLocation();
      assertThat(run.request().lakeSnapshotId()).isEqualTo(pinned);
      try (Lake fromFile = Lake.fromMetadata(metadata, null)) {
        assertThat(fromFile.snapshotId()).isEqualTo(pinned);
      }
      String lakeArgs = "--snapshot " + pinned + " --metadata-location " + metadata;
      assertThat(steps)
          .filteredOn(s -> s.contains("/prepare exit=") || s.contains("/gate exit="))
          .hasSize(3)
          .allMatch(s -> s.contains(lakeArgs), lakeArgs);

      // The files on the shared store that carried the run between the pods.
      Path study = Path.of(renderer.studyDir(KEY));
      assertThat(study).startsWith(store);
      for (int i = 0; i < 2; i++) {
        assertThat(Files.readString(study.resolve("trials/" + i + "/status.json")))
            .contains("COMPLETED");
      }
      assertThat(Path.of(run.results().modelDir())).isEqualTo(study.resolve("best-model"));
      // The launcher (which mounts the store here) records what won.
      assertThat(run.results().bestParams()).containsOnlyKeys("lr", "momentum");
      assertThat(run.results().bestTrial()).isIn(0, 1);
      ModelDirectory.verify(study.resolve("best-model"));
      assertThat(study.resolve("gate-report.html")).isNotEmptyFile();
      // The gate pod registered and promoted through the spec's state (database and artifacts on
      // the store volume here; PostgreSQL and gs:// in production), not the read-only lake.
      JdbcModelRegistry registry = JdbcModelRegistry.open(spec.state());
      assertThat(registry.artifacts().root()).startsWith(store.toString());
      assertThat(registry.alias(spec.model(), "champion").orElseThrow().versionId())
          .isEqualTo(run.results().modelVersion());
      assertThat(
              registry.version(spec.model(), run.results().modelVersion()).orElseThrow().metadata())
          .containsEntry("lakeSnapshot", Long.toString(pinned));
      // The promoted model's snapshot is tagged: lake maintenance keeps it.
      boolean tagged = false;
      for (long end = System.nanoTime() + 10_000_000_000L;
          !tagged && System.nanoTime() < end;
          Thread.sleep(50)) {
        try (Lake l = Lake.open(lake)) {
          tagged = l.recordsTable().refs().containsKey(LakeMaintenance.keepTag(pinned));
        }
      }
      assertThat(tagged).as("keep tag of snapshot " + pinned).isTrue();
    }
  }

  /** The example spec with absolute schema paths, the test's lake and a launcher section. */
  static String spec(Path lake, Path store) throws Exception {
    return TinyLake.specFor(lake)
        + "\nstate:\n"
        + "  database: {url: 'jdbc:sqlite:"
        + store.resolve("state.db")
        + "'}\n"
        + "  artifacts: "
        + store.resolve("artifacts")
        + "\n"
        + "\nlauncher:\n"
        + "  backend: kubernetes\n"
        + "  namespace: "
        + NS
        + "\n"
        + "  image: driftgate-trainer:test-cpu\n"
        + "  serviceAccount: driftgate-trainer\n"
        + "  specConfigMap: driftgate-spec\n"
        + "  store: "
        + store.resolve("work")
        + "\n"
        + "  registry: "
        + store.resolve("registry")
        + "\n"
        + "  volumes:\n"
        + "    - {name: store, mountPath: "
        + store
        + ", claimName: driftgate-store}\n"
        // the lake, read-only as in production: pods read the pinned snapshot's metadata file
        + "    - {name: lake, mountPath: "
        + lake.toAbsolutePath()
        + ", claimName: driftgate-lake, readOnly: true}\n"
        + "  grid: {lr: [0.05, 0.1], momentum: [0.9]}\n"
        + "  params: {epochs: 3, hidden: 16, batchSize: 64}\n"
        + "  parallelism: 2\n"
        + "  backoffLimitPerIndex: 1\n"
        + "  initialBackoff: 0s\n";
  }
}
