package io.driftgate.launcher;

import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.state.StateDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Assembles a {@link Launcher} from a model spec, as the Flink operator's AutoscalerFactory
 * assembles its autoscaler: picks the backend the spec (or {@link LauncherOptions#backend()})
 * names, wires its steps, run store, run policy and snapshot pinning, and hands back one {@link
 * AssembledLauncher} that closes what it opened. Commands parse options and call this.
 */
public final class LauncherFactory {
  /** How often the local backend's launcher polls its steps. */
  static final Duration LOCAL_POLL = Duration.ofSeconds(1);

  /** How often a Kubernetes or Katib launcher polls its Jobs and Experiments. */
  static final Duration CLUSTER_POLL = Duration.ofSeconds(5);

  private final Supplier<KubernetesClient> clients;

  private LauncherFactory(Supplier<KubernetesClient> clients) {
    this.clients = clients;
  }

  /** A factory whose cluster backends talk to the cluster of the ambient kubeconfig. */
  public static LauncherFactory create() {
    return new LauncherFactory(() -> new KubernetesClientBuilder().build());
  }

  /** A factory whose cluster backends use {@code clients} (a test's mock server). */
  public static LauncherFactory withKubernetes(Supplier<KubernetesClient> clients) {
    return new LauncherFactory(clients);
  }

  /** The spec's launcher settings with the options' backend over the spec's. */
  public static LauncherConfig config(LauncherOptions o) {
    LauncherConfig config = LauncherConfig.load(o.specFile());
    return o.backend() == null ? config : config.withBackend(o.backend());
  }

  /** Assembles the launcher of the spec's model; not started. */
  public AssembledLauncher assemble(LauncherOptions o) {
    ModelSpec spec = o.spec() != null ? o.spec() : SpecLoader.load(o.specFile());
    LauncherConfig config = config(o);
    JdbcModelRegistry registry = o.registry() != null ? o.registry() : JdbcModelRegistry.open(spec);
    StateDatabase state = StateDatabase.open(spec.state());
    if (config.backend() == LauncherConfig.Backend.LOCAL) {
      LocalLoop loop =
          new LocalLoop(
              spec.model(),
              config,
              localOptions(spec, config, registry, o),
              snapshots(spec, false),
              o.clock());
      return new AssembledLauncher(
          spec, config, state, registry, loop.launcher(), loop.backend(), loop, null);
    }
    KubernetesClient client = clients.get();
    try {
      // The launcher alone writes the registry: it applies what the gate pods decided.
      StoreStepArtifacts artifacts = new StoreStepArtifacts(registry, spec.model());
      Backend backend = clusterBackend(spec, config, client, artifacts);
      Launcher launcher =
          Launcher.builder()
              .setModel(spec.model())
              .setStore(new JdbcRunStore(state))
              .setMachine(new RunMachine(RunPolicy.of(config), o.clock()))
              .setBackend(backend)
              .optMaxInFlight(Math.max(1, spec.volume().maxInFlight()))
              .optClock(o.clock())
              .optTickInterval(CLUSTER_POLL)
              // Job pods have no database (the catalog's): they read the pinned snapshot from its
              // metadata file, through the warehouse's FileIO.
              .optPinning(Launcher.Pinning.of(snapshots(spec, true)))
              .build();
      return new AssembledLauncher(spec, config, state, registry, launcher, backend, null, client);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The backend of a cluster: Jobs (kubernetes) or a Katib Experiment plus a Job (katib). */
  static Backend clusterBackend(
      ModelSpec spec,
      LauncherConfig config,
      KubernetesClient client,
      StoreStepArtifacts artifacts) {
    return switch (config.backend()) {
      case KATIB ->
          new KatibBackend(
              client,
              new KatibRenderer(config, spec.model(), artifacts.root()),
              spec.model(),
              artifacts);
      case KUBERNETES ->
          new KubernetesBackend(
              client,
              new JobRenderer(
                  config, spec.model(), JobRenderer.Tuner.INDEXED_JOB, artifacts.root()),
              spec.model(),
              artifacts);
      case LOCAL ->
          throw new IllegalArgumentException("launcher.backend: local is not a cluster backend");
    };
  }

  /**
   * The local loop's settings: the spec's launcher grid, parameters and parallelism under the
   * options' overrides, studies and gate reports next to the lake unless the options name them.
   */
  static LocalLoop.Options localOptions(
      ModelSpec spec, LauncherConfig config, JdbcModelRegistry registry, LauncherOptions o) {
    Path lake = spec.lake().path();
    Map<String, String> params = new LinkedHashMap<>(config.params());
    params.putAll(o.params());
    return new LocalLoop.Options(
        o.specFile(),
        lake,
        spec.state(),
        o.gateReportsDir() != null ? o.gateReportsDir() : lake.resolveSibling("gate-reports"),
        o.studiesDir() != null ? o.studiesDir() : lake.resolveSibling("studies"),
        registry,
        o.grid().isEmpty() ? config.grid() : o.grid(),
        params,
        o.parallelism() != null ? o.parallelism() : config.parallelism(),
        o.trialHeap(),
        o.seed(),
        o.bootstrapResamples(),
        o.explainPoints());
  }

  /**
   * The spec's lake, and its source topic and ingest consumer group to tell when ingestion has
   * committed everything (see {@link LakeSnapshotResolver}); {@code metadataLocations}: pin by
   * metadata file too (cluster backends, whose pods have no catalog database).
   */
  public static SnapshotResolver snapshots(ModelSpec spec, boolean metadataLocations) {
    var kafka = spec.source().kafka();
    return LakeSnapshotResolver.forSpec(
        spec,
        spec.lake().path(),
        metadataLocations,
        new KafkaSourceProgress(kafka.clientProperties(), kafka.topic(), kafka.consumerGroup()));
  }
}
