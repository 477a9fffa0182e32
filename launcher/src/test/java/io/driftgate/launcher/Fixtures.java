package io.driftgate.launcher;

import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.run.RunStore;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.core.testing.MigratedTemplates;
import io.driftgate.schemas.RetrainRequest;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

final class Fixtures {
  static final String MODEL = "flight-delay";

  private Fixtures() {}

  static RetrainRequest request(String key) {
    return RetrainRequest.newBuilder()
        .setIdempotencyKey(key)
        .setModel(MODEL)
        .setReasons(List.of("drift"))
        .setTriggerWindowEnd(Instant.parse("2024-03-01T10:00:00Z"))
        .setDataFrom(Instant.parse("2024-02-01T00:00:00Z"))
        .setDataTo(Instant.parse("2024-03-01T10:00:00Z"))
        .setValidRecordsSinceLastRun(123_456L)
        .setRequestedAt(Instant.parse("2024-03-01T10:00:05Z"))
        .build();
  }

  /**
   * The arguments of a {@code train} container on {@link #request}'s range, pinned to {@link
   * #SNAPSHOT} through {@link #METADATA}, with these lr and momentum (epochs=5 from the config).
   */
  static String[] pinnedTrainArgs(String lr, String momentum, String out, String outKey) {
    return new String[] {
      "train",
      "--spec",
      "/etc/driftgate/driftgate.yaml",
      "--from",
      "2024-02-01T00:00:00Z",
      "--to",
      "2024-03-01T10:00:00Z",
      "--snapshot",
      Long.toString(SNAPSHOT),
      "--metadata-location",
      METADATA,
      "--param",
      "lr=" + lr,
      "--param",
      "momentum=" + momentum,
      "--param",
      "epochs=5",
      "--out",
      out,
      "--out-key",
      outKey
    };
  }

  static LauncherConfig k8sConfig() {
    Map<String, Object> grid = new java.util.LinkedHashMap<>();
    grid.put("lr", java.util.List.of(0.01, 0.05, 0.1));
    grid.put("momentum", java.util.List.of(0.5, 0.9));
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("backend", "kubernetes");
    m.put("namespace", "ml");
    m.put("image", "europe-docker.pkg.dev/p/driftgate/driftgate-trainer:0.1.0-gpu");
    m.put("serviceAccount", "driftgate-trainer");
    m.put("specConfigMap", "driftgate-spec");
    m.put("gpuType", "nvidia-tesla-t4");
    m.put("gpuPools", java.util.List.of("t4-spot", "t4-ondemand"));
    m.put("cpu", "4");
    m.put("memory", "16Gi");
    m.put("grid", grid);
    m.put("params", Map.of("epochs", 5));
    m.put("parallelism", 2);
    m.put("backoffLimitPerIndex", 2);
    m.put("initialBackoff", "0s");
    return LauncherConfig.parse(m);
  }

  /**
   * A run store on the state database in {@code dir} (a SQLite file there): every store of one
   * folder shares it, as a restarted launcher does. The first one copies the migrated template
   * ({@link MigratedTemplates}) instead of migrating a new file.
   */
  static JdbcRunStore store(Path dir) {
    Path file = dir.toAbsolutePath().resolve("state.db");
    String url =
        java.nio.file.Files.exists(file)
            ? "jdbc:sqlite:" + file
            : MigratedTemplates.sqliteCopy(file);
    return new JdbcRunStore(StateDatabase.open(url, Map.of()));
  }

  static Launcher launcher(
      RunStore store, Backend backend, LauncherConfig config, int maxInFlight) {
    return launcher(store, backend, config, maxInFlight, null);
  }

  /** The snapshot {@link #pinnedLake()} pins every run to, and its metadata file. */
  static final long SNAPSHOT = 4711L;

  static final String METADATA =
      "/data/lake/warehouse/flight_delay/records/metadata/00042-a1.metadata.json";

  /** A lake that covers every range: pins {@link #SNAPSHOT} with {@link #METADATA} at once. */
  static Launcher.Pinning pinnedLake() {
    return new Launcher.Pinning(
        new SnapshotResolver() {
          @Override
          public Resolution resolve(String key, Instant from, Instant to) {
            return Resolution.pinned(SNAPSHOT, METADATA, "covers " + to);
          }

          @Override
          public void keep(long snapshotId) {}
        },
        Duration.ofMillis(20),
        Duration.ofSeconds(10));
  }

  static Launcher launcher(
      RunStore store,
      Backend backend,
      LauncherConfig config,
      int maxInFlight,
      Launcher.Pinning pinning) {
    return launcher(store, backend, config, maxInFlight, pinning, Launcher.DEFAULT_RECONCILE);
  }

  /** A launcher that compares its runs with the backend every {@code reconcile}. */
  static Launcher launcher(
      RunStore store,
      Backend backend,
      LauncherConfig config,
      int maxInFlight,
      Launcher.Pinning pinning,
      Duration reconcile) {
    Clock clock = Clock.systemUTC();
    return Launcher.builder()
        .setModel(MODEL)
        .setStore(store)
        .setMachine(new RunMachine(RunPolicy.of(config), clock))
        .setBackend(backend)
        .optMaxInFlight(maxInFlight)
        .optClock(clock)
        .optTickInterval(Duration.ofMillis(20))
        .optPinning(pinning)
        .optReconcileInterval(reconcile)
        .build();
  }

  static RetrainRun await(Launcher l, String key, RunState state) {
    return awaitRun(l, key, r -> r.state() == state, "state " + state);
  }

  static RetrainRun awaitRun(
      Launcher l, String key, java.util.function.Predicate<RetrainRun> p, String what) {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    RetrainRun last = null;
    while (System.nanoTime() < end) {
      last = l.run(key).orElse(null);
      if (last != null && p.test(last)) {
        return last;
      }
      sleep(20);
    }
    throw new AssertionError("run " + key + " never reached " + what + "; last: " + last);
  }

  static <T> T await(Supplier<T> s, java.util.function.Predicate<T> p, String what) {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    T v = null;
    while (System.nanoTime() < end) {
      v = s.get();
      if (p.test(v)) {
        return v;
      }
      sleep(20);
    }
    throw new AssertionError("never: " + what + "; last: " + v);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A pod of {@code job} as its controller would create it. */
  static Pod createPod(io.fabric8.kubernetes.client.KubernetesClient client, Job job) {
    Pod p =
        new PodBuilder()
            .withNewMetadata()
            .withName(job.getMetadata().getName() + "-abcde")
            .withNamespace("ml")
            .withLabels(job.getSpec().getTemplate().getMetadata().getLabels())
            .withAnnotations(job.getSpec().getTemplate().getMetadata().getAnnotations())
            .endMetadata()
            .withSpec(job.getSpec().getTemplate().getSpec())
            .build();
    return client.pods().inNamespace("ml").resource(p).create();
  }

  /**
   * Status of a best-model pod: train-best exited 0 ({@code trained}), gate exited 0 with a
   * verdict.
   */
  static void updateBestPod(
      io.fabric8.kubernetes.client.KubernetesClient client,
      Pod pod,
      boolean trained,
      String verdict) {
    Pod latest = client.pods().inNamespace("ml").withName(pod.getMetadata().getName()).get();
    var status = new io.fabric8.kubernetes.api.model.PodStatusBuilder();
    if (trained) {
      status.addToInitContainerStatuses(
          new ContainerStatusBuilder()
              .withName("train-best")
              .withNewState()
              .withNewTerminated()
              .withExitCode(0)
              .endTerminated()
              .endState()
              .build());
    }
    if (verdict != null) {
      status.addToContainerStatuses(
          new ContainerStatusBuilder()
              .withName("gate")
              .withNewState()
              .withNewTerminated()
              .withExitCode(0)
              .withMessage(verdict)
              .endTerminated()
              .endState()
              .build());
    }
    latest.setStatus(status.build());
    client.pods().inNamespace("ml").resource(latest).updateStatus();
  }

  /** Waits for the Job of attempt {@code attempt} of {@code step} of run {@code key}. */
  static Job awaitJob(
      io.fabric8.kubernetes.client.KubernetesClient client, String key, RunStep step, int attempt) {
    return await(
        () ->
            client
                .batch()
                .v1()
                .jobs()
                .inNamespace("ml")
                .withName(JobNames.jobName(key, step, attempt))
                .get(),
        j -> j != null,
        "job " + step + " " + attempt);
  }
}
