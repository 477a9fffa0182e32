package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.registry.GateDecision;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.core.registry.ModelObjects;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.testing.FakeGcsFileIO;
import io.driftgate.core.testing.RealPostgres;
import io.driftgate.launcher.JobRenderer;
import io.driftgate.launcher.KubernetesBackend;
import io.driftgate.launcher.LakeSnapshotResolver;
import io.driftgate.launcher.Launcher;
import io.driftgate.launcher.StoreStepArtifacts;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.testkit.lake.CommittedLakes;
import io.driftgate.trainer.LakeRange;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes path end to end, short of a cluster, with nothing on a shared disk: a retrain
 * request → the launcher's Kubernetes backend creates the Jobs in fabric8's CRUD mock API server →
 * {@link InProcessKubelet} runs every container's args with this build's CLI (prepare, the Indexed
 * Job's trials, collect, gate) on a spec mounted from a ConfigMap, with emptyDirs and no
 * PersistentVolumeClaim → the status it writes back moves the run to a gate decision, which the
 * launcher applies to the registry. The state database (runs, the lake's Iceberg catalog, the
 * registry and its ledger) is a real PostgreSQL; the lake's warehouse and the artifact store are
 * {@code gs://} locations on an in-memory fake of Cloud Storage (no rename, no link). The pods get
 * no database credentials (their spec names files that do not exist), so any database access from a
 * pod would fail its container: they read the pinned snapshot from its metadata file and leave
 * studies, models and the gate's decision as objects.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesLoopIT {
  static final String NS = "ml";
  static final String KEY = "flight-delay/2026-01-05T08:00Z/drift";

  KubernetesClient client;
  @TempDir Path work;

  @Test
  void requestRunsAsJobsWhoseObjectsChainIntoAPromotedModelWithoutFuseOrPodDatabase()
      throws Exception {
    RealPostgres pg = RealPostgres.shared();
    String url = pg.newDatabase();
    Path secrets = Files.createDirectories(work.resolve("launcher-secrets"));
    Files.writeString(secrets.resolve("user"), pg.user() + "\n");
    Files.writeString(secrets.resolve("password"), pg.password() + "\n");
    Path noSecrets = work.resolve("pod-has-no-secrets");
    String bucket = "gs://driftgate-it/" + UUID.randomUUID();
    String warehouse = bucket + "/lake";
    String artifactsRoot = bucket + "/artifacts";
    Path scratch = work.resolve("lake-local"); // lake.path: local state only

    String launcherSpec = spec(scratch, url, warehouse, artifactsRoot, secrets);
    String podSpec = spec(scratch, url, warehouse, artifactsRoot, noSecrets);
    Path specFile = Files.writeString(work.resolve("driftgate.yaml"), launcherSpec);
    ModelSpec spec = SpecLoader.load(specFile);
    LauncherConfig config = LauncherConfig.load(specFile);
    assertThat(config.trials()).isEqualTo(2);
    assertThat(config.volumes()).isEmpty();

    // The lake: committed in the PostgreSQL catalog, its files on the fake Cloud Storage.
    CommittedLakes.of(TinyLake.SPEC).seed(11).count(6000).write(scratch, spec.lake().catalog());
    LakeRange range;
    try (Lake l = Lake.open(spec)) {
      range = LakeRange.wholeLake(l);
      assertThat(l.metadataLocation()).startsWith(warehouse + "/");
    }

    client
        .configMaps()
        .inNamespace(NS)
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("driftgate-spec")
                .endMetadata()
                .addToData("driftgate.yaml", podSpec)
                .build())
        .create();

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
    JdbcModelRegistry registry = JdbcModelRegistry.open(spec);
    assertThat(registry.artifacts().root()).isEqualTo(artifactsRoot);
    StoreStepArtifacts artifacts = new StoreStepArtifacts(registry, spec.model());
    JobRenderer renderer =
        new JobRenderer(config, spec.model(), JobRenderer.Tuner.INDEXED_JOB, artifacts.root());
    try (InProcessKubelet kubelet = new InProcessKubelet(client, NS, work.resolve("node"));
        Launcher launcher =
            Launcher.builder()
                .setModel(spec.model())
                .setStore(JdbcRunStore.open(spec.state()))
                .setMachine(new RunMachine(RunPolicy.of(config), clock))
                .setBackend(new KubernetesBackend(client, renderer, spec.model(), artifacts))
                .optMaxInFlight(1)
                .optClock(clock)
                .optTickInterval(Duration.ofMillis(200))
                .optPinning(
                    Launcher.Pinning.of(LakeSnapshotResolver.forSpec(spec, scratch, true, null)))
                .build()) {
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
      // ... and so the state database says
      assertThat(JdbcRunStore.open(spec.state()).get(KEY).orElseThrow().state())
          .isEqualTo(RunState.PROMOTED);

      // Two Jobs, one per step, whose pods mount the spec and their own scratch folders only:
      // no PersistentVolumeClaim, no CSI (FUSE) volume, no database credentials.
      List<Job> jobs = client.batch().v1().jobs().inNamespace(NS).list().getItems();
      assertThat(jobs).hasSize(2);
      for (Job j : jobs) {
        PodSpec pod = j.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes())
            .allSatisfy(
                v -> {
                  assertThat(v.getPersistentVolumeClaim()).isNull();
                  assertThat(v.getCsi()).isNull();
                  assertThat(v.getConfigMap() != null || v.getEmptyDir() != null).isTrue();
                });
        assertThat(j.getSpec().getTemplate().getMetadata().getAnnotations())
            .containsOnlyKeys(JobRenderer.ANNOTATION_KEY);
        List<Container> containers = new ArrayList<>(pod.getInitContainers());
        containers.addAll(pod.getContainers());
        assertThat(containers)
            .flatMap(c -> c.getEnv() == null ? List.of() : c.getEnv())
            .noneMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null);
      }
      assertThat(Files.exists(noSecrets)).as("the pods' credential files").isFalse();

      List<String> steps = kubelet.executed();
      assertThat(steps).allMatch(s -> s.contains(" exit=0: "), "every container exits 0");
      assertThat(steps)
          .filteredOn(s -> s.contains("/prepare exit="))
          .hasSize(2)
          .allMatch(s -> s.contains("tune --prepare-only"));
      assertThat(steps)
          .filteredOn(s -> s.contains("/trial exit="))
          .extracting(s -> s.substring(s.indexOf("--trial ")).split(" ")[1])
          .containsExactly("0", "1");
      assertThat(steps).filteredOn(s -> s.contains("/train-best exit=")).hasSize(1);
      assertThat(steps).filteredOn(s -> s.contains("/gate exit=")).hasSize(1);

      // Every step read the snapshot the launcher pinned, through its metadata file on gs://.
      long pinned = run.request().lakeSnapshotId();
      String metadata = run.request().lakeMetadataLocation();
      assertThat(metadata).startsWith(warehouse + "/");
      try (Lake l = Lake.open(spec)) {
        assertThat(l.recordsTable().snapshot(pinned)).isNotNull();
      }
      String lakeArgs = "--snapshot " + pinned + " --metadata-location " + metadata;
      assertThat(steps)
          .filteredOn(s -> s.contains("/prepare exit=") || s.contains("/gate exit="))
          .hasSize(3)
          .allMatch(s -> s.contains(lakeArgs), lakeArgs);

      // The objects that carried the run between the pods, all in the fake bucket.
      ArtifactStore store = registry.artifacts();
      String study = renderer.studyKey(KEY);
      List<String> studyObjects =
          store.list(study + "/").stream().map(o -> o.key().substring(study.length() + 1)).toList();
      assertThat(studyObjects)
          .contains(
              "study.json",
              "results.json",
              "study-table.csv",
              "trials/0/params.json",
              "trials/0/heartbeat",
              "trials/0/metrics.jsonl",
              "trials/0/status.json",
              "trials/1/status.json");
      assertThat(studyObjects).anyMatch(o -> o.startsWith("trials/0/model/"));
      for (int i = 0; i < 2; i++) {
        assertThat(new String(store.read(study + "/trials/" + i + "/status.json")))
            .contains("COMPLETED");
      }
      String best = renderer.bestKey(KEY, 1);
      assertThat(run.results().modelDir()).isEqualTo(store.location(best));
      Path bestCopy = work.resolve("best-copy");
      ModelObjects.getFolder(store, best, bestCopy);
      ModelDirectory.verify(bestCopy);
      // The launcher read what won from the study in the store.
      assertThat(run.results().bestParams()).containsOnlyKeys("lr", "momentum");
      assertThat(run.results().bestTrial()).isIn(0, 1);
      assertThat(store.exists(renderer.reportKey(KEY, 1))).isTrue();
      assertThat(GateDecision.Champion.fromJson(store.read(renderer.championKey(KEY, 1))))
          .as("no champion before the first promotion")
          .isEqualTo(GateDecision.Champion.NONE);
      GateDecision decision = GateDecision.fromJson(store.read(renderer.decisionKey(KEY, 1)));
      assertThat(decision.challengerVersion()).isEqualTo(run.results().modelVersion());

      // The launcher registered the challenger from the store and moved the aliases.
      assertThat(registry.alias(spec.model(), "champion").orElseThrow().versionId())
          .isEqualTo(run.results().modelVersion());
      assertThat(
              registry.version(spec.model(), run.results().modelVersion()).orElseThrow().metadata())
          .containsEntry("lakeSnapshot", Long.toString(pinned));
      registry.verifyLedger(spec.model());
      assertThat(registry.ledger(spec.model()))
          .extracting(LedgerEntry::alias)
          .containsExactly("challenger", "champion");
      assertThat(registry.ledger(spec.model()))
          .allSatisfy(e -> assertThat(e.details()).containsEntry("run", KEY));
      assertThat(store.list("decisions/" + spec.model() + "/")).hasSize(1);

      // Nothing of the lake or the artifacts on local disk: they are objects.
      try (Stream<Path> local = Files.walk(work)) {
        assertThat(local.map(Path::toString))
            .noneMatch(p -> p.endsWith(".parquet") || p.endsWith(".metadata.json"));
      }
      assertThat(
              java.util.stream.StreamSupport.stream(
                      FakeGcsFileIO.storage().list("driftgate-it").iterateAll().spliterator(),
                      false)
                  .map(b -> b.getName()))
          .anyMatch(n -> n.endsWith(".parquet"))
          .anyMatch(n -> n.contains("/artifacts/blobs/sha256/"));

      // The promoted model's snapshot is tagged: lake maintenance keeps it.
      boolean tagged = false;
      for (long end = System.nanoTime() + 10_000_000_000L;
          !tagged && System.nanoTime() < end;
          Thread.sleep(50)) {
        try (Lake l = Lake.open(spec)) {
          tagged = l.recordsTable().refs().containsKey(LakeMaintenance.keepTag(pinned));
        }
      }
      assertThat(tagged).as("keep tag of snapshot " + pinned).isTrue();
    }
  }

  /**
   * The example spec with absolute schema paths; the lake in a PostgreSQL catalog with a gs://
   * warehouse on the fake Cloud Storage (io-impl, which the artifact store follows), the state in
   * the same database, credentials read from files in {@code secrets}; a launcher section with no
   * volume.
   */
  static String spec(Path scratch, String url, String warehouse, String artifacts, Path secrets)
      throws Exception {
    String user = "${file:" + secrets.resolve("user") + "}";
    String password = "${file:" + secrets.resolve("password") + "}";
    String base =
        TinyLake.specFor(scratch)
            .replace(
                "  commitMaxRecords: 50000\n",
                "  commitMaxRecords: 50000\n"
                    + "  catalog:\n"
                    + "    type: jdbc\n"
                    + "    uri: "
                    + url
                    + "\n"
                    + "    warehouse: "
                    + warehouse
                    + "\n"
                    + "    properties:\n"
                    + "      jdbc.user: \""
                    + user
                    + "\"\n"
                    + "      jdbc.password: \""
                    + password
                    + "\"\n"
                    + "      io-impl: "
                    + FakeGcsFileIO.class.getName()
                    + "\n");
    assertThat(base).contains("io-impl");
    return base
        + "\nstate:\n"
        + "  database:\n"
        + "    url: "
        + url
        + "\n"
        + "    properties:\n"
        + "      user: \""
        + user
        + "\"\n"
        + "      password: \""
        + password
        + "\"\n"
        + "  artifacts: "
        + artifacts
        + "\n"
        + "launcher:\n"
        + "  backend: kubernetes\n"
        + "  namespace: "
        + NS
        + "\n"
        + "  image: driftgate-trainer:test-cpu\n"
        + "  serviceAccount: driftgate-trainer\n"
        + "  specConfigMap: driftgate-spec\n"
        + "  grid: {lr: [0.05, 0.1], momentum: [0.9]}\n"
        + "  params: {epochs: 3, hidden: 16, batchSize: 64}\n"
        + "  parallelism: 2\n"
        + "  backoffLimitPerIndex: 1\n"
        + "  initialBackoff: 0s\n";
  }
}
