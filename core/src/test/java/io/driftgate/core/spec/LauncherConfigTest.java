package io.driftgate.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LauncherConfigTest {

  @Test
  void absentSectionGivesDefaults() {
    LauncherConfig c = LauncherConfig.parse(null);
    assertThat(c).isEqualTo(LauncherConfig.defaults());
    assertThat(c.backend()).isEqualTo(LauncherConfig.Backend.LOCAL);
    assertThat(RunPolicy.of(c).maxAttempts()).isEqualTo(3);
    assertThat(RunPolicy.of(c).timeout(RunState.TUNING)).isEqualTo(Duration.ofHours(12));
  }

  @Test
  void fullKubernetesSection() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("backend", "kubernetes");
    m.put("namespace", "ml");
    m.put("image", "repo/driftgate:1");
    m.put("serviceAccount", "trainer");
    m.put("specConfigMap", "driftgate-spec");
    m.put(
        "volumes",
        List.of(
            Map.of("name", "data", "mountPath", "/data/", "claimName", "driftgate-data"),
            Map.of("name", "ref", "mountPath", "/ref", "claimName", "ref", "readOnly", true)));
    m.put("gpuType", "nvidia-tesla-t4");
    m.put("gpuPools", List.of("l4-spot", "t4-ondemand"));
    m.put("cpu", 4);
    m.put("memory", "16Gi");
    Map<String, Object> grid = new LinkedHashMap<>();
    grid.put("lr", List.of(0.01, 0.05, 0.1));
    grid.put("momentum", List.of(0.5, 0.9));
    grid.put("hidden", List.of(16, 32));
    m.put("grid", grid);
    m.put("params", Map.of("epochs", 5));
    m.put("parallelism", 4);
    m.put("backoffLimitPerIndex", 2);
    m.put("maxAttempts", 5);
    m.put("initialBackoff", "5s");
    m.put("maxBackoff", "1m");
    m.put("tuningTimeout", "3h");
    m.put("ttlAfterFinished", "0s");
    LauncherConfig c = LauncherConfig.parse(m);
    assertThat(c.backend()).isEqualTo(LauncherConfig.Backend.KUBERNETES);
    assertThat(c.gpuCount()).isEqualTo(1);
    assertThat(c.trials()).isEqualTo(12);
    assertThat(c.grid().get("lr")).containsExactly("0.01", "0.05", "0.1");
    assertThat(c.params()).containsEntry("epochs", "5");
    assertThat(c.volumes())
        .containsExactly(
            new LauncherConfig.Volume("data", "/data", "driftgate-data", false),
            new LauncherConfig.Volume("ref", "/ref", "ref", true));
    assertThat(c.gpuPools()).containsExactly("l4-spot", "t4-ondemand");
    assertThat(c.cpu()).isEqualTo("4");
    assertThat(c.memory()).isEqualTo("16Gi");
    assertThat(c.parallelism()).isEqualTo(4);
    assertThat(c.backoffLimitPerIndex()).isEqualTo(2);
    assertThat(RunPolicy.of(c).backoff(1)).isEqualTo(Duration.ofSeconds(5));
    assertThat(RunPolicy.of(c).backoff(10)).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.tuningTimeout()).isEqualTo(Duration.ofHours(3));
    assertThat(c.ttlAfterFinished()).isZero();
  }

  @Test
  void everyErrorNamesKeyValueAndFix() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("backend", "slurm");
    m.put("parallelism", 0);
    m.put("tuningTimeout", 5);
    m.put("namespace", "ML_Team");
    m.put("gpus", 2);
    SpecException e = assertThrowsSpec(m);
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactlyInAnyOrder(
            "launcher.gpus",
            "launcher.backend",
            "launcher.parallelism",
            "launcher.tuningTimeout",
            "launcher.namespace");
    assertThat(e.getMessage())
        .contains(
            "launcher.backend: value \"slurm\" is not supported; allowed: local, kubernetes, katib")
        .contains(
            "launcher.parallelism: value 0 is out of range; expected a whole number between 1 and 1000")
        .contains("launcher.tuningTimeout: value 5 has no unit")
        .contains("launcher.gpus: unknown key \"gpus\"; allowed keys:");
    for (SpecError err : e.errors()) {
      assertThat(err.value()).isNotNull();
      assertThat(err.allowed()).isNotBlank();
    }
  }

  @Test
  void storageErrorsSayWhereThingsAreNow() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("store", "/data/models/_work");
    m.put("registry", "/data/models/registry");
    m.put(
        "volumes",
        List.of(
            Map.of("name", "models", "mountPath", "/data/models", "bucket", "p-models"),
            Map.of("name", "Work", "mountPath", "data"),
            Map.of("name", "x", "mountPath", "/x", "claimName", "Not_A_Name")));
    m.put("gpuPools", List.of("l4-spot", "l4-spot"));
    m.put("cpu", "four");
    m.put("grid", Map.of("lr", List.of()));
    SpecException e = assertThrowsSpec(m);
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactlyInAnyOrder(
            "launcher.store",
            "launcher.registry",
            "launcher.volumes[0].bucket",
            "launcher.volumes[1].name",
            "launcher.volumes[1].mountPath",
            "launcher.volumes[1].claimName",
            "launcher.volumes[2].claimName",
            "launcher.gpuPools[1]",
            "launcher.cpu",
            "launcher.grid.lr");
    assertThat(e.getMessage())
        .contains("launcher.store: no longer used; studies, trial results and run models are in")
        .contains("the artifact store (state.artifacts)")
        .contains("launcher.registry: no longer used; the model registry is in the state database")
        .contains(
            "launcher.volumes[0].bucket: value \"p-models\" is no longer supported (Cloud Storage"
                + " FUSE volumes were removed)")
        .contains("through state.artifacts (gs://bucket/prefix)")
        .contains("launcher.volumes[1].claimName: value null is missing");
  }

  @Test
  void gridDefaultsToTheLocalBackendsFourTrials() {
    LauncherConfig c = LauncherConfig.defaults();
    assertThat(c.grid()).containsOnlyKeys("lr", "momentum");
    assertThat(c.trials()).isEqualTo(4);
  }

  @Test
  void kubernetesNeedsTheImageOnly() {
    SpecException e = assertThrowsSpec(Map.of("backend", "kubernetes"));
    assertThat(e.errors()).extracting(SpecError::key).containsExactly("launcher.image");
    assertThat(e.getMessage())
        .contains("launcher.image: missing required key; the kubernetes backend needs");
  }

  @Test
  void katibNeedsTheSameKeysAsKubernetes() {
    SpecException e = assertThrowsSpec(Map.of("backend", "katib"));
    assertThat(e.errors()).extracting(SpecError::key).containsExactly("launcher.image");
    assertThat(e.getMessage())
        .contains("launcher.image: missing required key; the katib backend needs");
    LauncherConfig c = LauncherConfig.parse(Map.of("backend", "katib", "image", "trainer:1"));
    assertThat(c.backend()).isEqualTo(LauncherConfig.Backend.KATIB);
    assertThat(LauncherConfig.Backend.fromConfigName("katib"))
        .isEqualTo(LauncherConfig.Backend.KATIB);
  }

  @Test
  void maxBackoffBelowInitialIsAnError() {
    SpecException e = assertThrowsSpec(Map.of("initialBackoff", "1m", "maxBackoff", "10s"));
    assertThat(e.key()).isEqualTo("launcher.maxBackoff");
    assertThat(e.allowed()).isEqualTo("make maxBackoff >= initialBackoff");
  }

  @Test
  void specLoaderValidatesTheSectionAndLoadReadsIt(@TempDir Path dir) throws Exception {
    String good = TestSpecs.MINIMAL + "launcher:\n  parallelism: 3\n  maxAttempts: 2\n";
    TestSpecs.parse(good);
    Path f = dir.resolve("driftgate.yaml");
    Files.writeString(f, good);
    assertThat(LauncherConfig.load(f).parallelism()).isEqualTo(3);
    assertThat(LauncherConfig.load(f).maxAttempts()).isEqualTo(2);

    assertThatThrownBy(() -> TestSpecs.parse(TestSpecs.MINIMAL + "launcher:\n  parallelism: -1\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("launcher.parallelism: value -1 is out of range");
  }

  private static SpecException assertThrowsSpec(Map<String, Object> m) {
    try {
      LauncherConfig.parse(m);
    } catch (SpecException e) {
      return e;
    }
    throw new AssertionError("expected a SpecException");
  }
}
