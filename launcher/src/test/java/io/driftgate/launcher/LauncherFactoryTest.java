package io.driftgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LauncherFactory} picks the spec's backend and wires it as the CLI used to. */
@EnableKubernetesMockClient(crud = true)
class LauncherFactoryTest {
  private static final Path EXAMPLE = Path.of("../examples/flight-delay/driftgate.yaml");

  KubernetesClient client;

  @TempDir Path dir;

  /** The example spec, its lake in {@code dir}, with {@code launcher} as its launcher section. */
  private Path spec(String launcher) throws Exception {
    String schemas = Path.of("../schemas").toAbsolutePath().normalize() + "/";
    String text =
        Files.readString(EXAMPLE)
                .replace("../../schemas/", schemas)
                .replace(
                    "schemaRegistryDir: registry",
                    "schemaRegistryDir: " + EXAMPLE.resolveSibling("registry").toAbsolutePath())
                .replace(
                    "path: ../../.driftgate/lake/flight-delay",
                    "path: " + dir.resolve("lake").toAbsolutePath())
            + "\n"
            + launcher;
    Path file = dir.resolve("driftgate.yaml");
    Files.writeString(file, text);
    return file;
  }

  private static final String LOCAL =
      String.join(
          "\n",
          "launcher:",
          "  backend: local",
          "  parallelism: 3",
          "  grid:",
          "    lr: [0.01, 0.1, 0.3]",
          "  params:",
          "    epochs: 4",
          "    hidden: 8",
          "");

  private static final String KUBERNETES =
      String.join(
          "\n",
          "launcher:",
          "  backend: kubernetes",
          "  namespace: ml",
          "  image: europe-docker.pkg.dev/p/driftgate/driftgate-trainer:0.1.0-gpu",
          "");

  @Test
  void theSpecsLocalBackendRunsTheStepsInProcess() throws Exception {
    Path specFile = spec(LOCAL);
    AtomicInteger clientsMade = new AtomicInteger();
    LauncherFactory factory =
        LauncherFactory.withKubernetes(
            () -> {
              clientsMade.incrementAndGet();
              return client;
            });

    try (AssembledLauncher a = factory.assemble(LauncherOptions.builder(specFile).build())) {
      assertThat(a.backendName()).isEqualTo("local");
      assertThat(a.local()).isPresent();
      assertThat(a.kubernetes()).isEmpty();
      assertThat(a.backend()).isInstanceOf(LocalBackend.class);
      assertThat(a.spec().model()).isEqualTo("flight-delay");
    }
    assertThat(clientsMade).as("the local backend needs no cluster").hasValue(0);
  }

  @Test
  void aSpecLoadedWithOverridesIsTheOneAssembled() throws Exception {
    Path specFile = spec(LOCAL);
    Path other = dir.resolve("other-lake").toAbsolutePath();
    ModelSpec overridden = SpecLoader.load(specFile).withLakePath(other);

    try (AssembledLauncher a =
        LauncherFactory.withKubernetes(() -> client)
            .assemble(LauncherOptions.builder(specFile).spec(overridden).build())) {
      assertThat(a.spec().lake().path()).isEqualTo(other);
    }
  }

  @Test
  void localSettingsComeFromTheSpecUnderTheOptionsOverrides() throws Exception {
    Path specFile = spec(LOCAL);
    ModelSpec spec = SpecLoader.load(specFile);
    LauncherConfig config = LauncherConfig.load(specFile);

    LocalLoop.Options fromSpec =
        LauncherFactory.localOptions(spec, config, null, LauncherOptions.builder(specFile).build());
    assertThat(fromSpec.grid()).isEqualTo(Map.of("lr", List.of("0.01", "0.1", "0.3")));
    assertThat(fromSpec.baseParams()).containsEntry("epochs", "4").containsEntry("hidden", "8");
    assertThat(fromSpec.parallelism()).isEqualTo(3);
    assertThat(fromSpec.seed()).isEqualTo(LauncherOptions.DEFAULT_SEED);
    assertThat(fromSpec.trialHeap()).isEqualTo(LauncherOptions.DEFAULT_TRIAL_HEAP);
    assertThat(fromSpec.bootstrapResamples())
        .isEqualTo(LauncherOptions.DEFAULT_BOOTSTRAP_RESAMPLES);
    assertThat(fromSpec.explainPoints()).isEqualTo(LauncherOptions.DEFAULT_EXPLAIN_POINTS);
    Path lake = dir.resolve("lake").toAbsolutePath();
    assertThat(fromSpec.studiesDir()).isEqualTo(lake.resolveSibling("studies"));
    assertThat(fromSpec.gateReports()).isEqualTo(lake.resolveSibling("gate-reports"));

    LocalLoop.Options overridden =
        LauncherFactory.localOptions(
            spec,
            config,
            null,
            LauncherOptions.builder(specFile)
                .grid(Map.of("momentum", List.of("0.5")))
                .params(Map.of("epochs", "9"))
                .parallelism(1)
                .seed(7)
                .trialHeap("384m")
                .gateEffort(500, 100)
                .localDirs(dir.resolve("s"), dir.resolve("g"))
                .build());
    assertThat(overridden.grid()).isEqualTo(Map.of("momentum", List.of("0.5")));
    assertThat(overridden.baseParams()).containsEntry("epochs", "9").containsEntry("hidden", "8");
    assertThat(overridden.parallelism()).isEqualTo(1);
    assertThat(overridden.seed()).isEqualTo(7);
    assertThat(overridden.trialHeap()).isEqualTo("384m");
    assertThat(overridden.bootstrapResamples()).isEqualTo(500);
    assertThat(overridden.explainPoints()).isEqualTo(100);
    assertThat(overridden.studiesDir()).isEqualTo(dir.resolve("s"));
    assertThat(overridden.gateReports()).isEqualTo(dir.resolve("g"));
  }

  @Test
  void theSpecsKubernetesBackendSubmitsJobsAndClosesItsClient() throws Exception {
    Path specFile = spec(KUBERNETES);
    AssembledLauncher a =
        LauncherFactory.withKubernetes(() -> client)
            .assemble(LauncherOptions.builder(specFile).build());
    try (a) {
      assertThat(a.backendName()).isEqualTo("kubernetes");
      assertThat(a.kubernetes()).containsSame(client);
      assertThat(a.local()).isEmpty();
      assertThat(a.backend()).isInstanceOf(KubernetesBackend.class);
    }
  }

  @Test
  void theOptionsBackendOverridesTheSpecs() throws Exception {
    Path specFile = spec(KUBERNETES);
    LauncherOptions katib =
        LauncherOptions.builder(specFile).backend(LauncherConfig.Backend.KATIB).build();

    assertThat(LauncherFactory.config(katib).backend()).isEqualTo(LauncherConfig.Backend.KATIB);
    try (AssembledLauncher a = LauncherFactory.withKubernetes(() -> client).assemble(katib)) {
      assertThat(a.backendName()).isEqualTo("katib");
      assertThat(a.backend()).isInstanceOf(KatibBackend.class);
    }
    LauncherOptions local =
        LauncherOptions.builder(specFile).backend(LauncherConfig.Backend.LOCAL).build();
    try (AssembledLauncher a = LauncherFactory.withKubernetes(() -> client).assemble(local)) {
      assertThat(a.backend()).isInstanceOf(LocalBackend.class);
    }
  }

  @Test
  void badOptionsNameTheSettingAndTheValue() {
    LauncherOptions.Builder b = LauncherOptions.builder(dir.resolve("driftgate.yaml"));

    assertThatThrownBy(() -> b.parallelism(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parallelism 0");
    assertThatThrownBy(() -> b.gateEffort(0, 200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0 resamples");
  }
}
