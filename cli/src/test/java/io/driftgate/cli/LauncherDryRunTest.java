package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.schemas.RetrainRequest;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftgate launcher --dry-run}: the Jobs (or the Katib Experiment) for the requests in the
 * lake's monitor store, printed as YAML that parses back into the objects the backend would create,
 * touching neither Kafka nor a cluster.
 */
class LauncherDryRunTest extends ConsoleCapture {
  static final Instant FROM = Instant.parse("2026-01-05T06:00:00Z");
  static final Instant TO = Instant.parse("2026-01-05T15:00:00Z");

  @TempDir Path work;

  Path specWithOneRequest() throws Exception {
    Path lake = Files.createDirectories(work.resolve("lake"));
    new MonitorStore(lake)
        .writeRequest(
            RetrainRequest.newBuilder()
                .setIdempotencyKey("flight-delay/2026-01-05T15:00Z/drift")
                .setModel("flight-delay")
                .setReasons(List.of("drift"))
                .setTriggerWindowEnd(TO)
                .setDataFrom(FROM)
                .setDataTo(TO)
                .setValidRecordsSinceLastRun(32_400L)
                .setRequestedAt(TO)
                .build());
    return Files.writeString(
        work.resolve("driftgate.yaml"), KubernetesLoopIT.spec(lake, Path.of("/data/store")));
  }

  @Test
  void kubernetesDryRunPrintsTheTwoJobsOfTheRun() throws Exception {
    Path spec = specWithOneRequest();
    assertThat(Main.execute("launcher", "--dry-run", "--spec", spec.toString()))
        .as(stderr())
        .isZero();
    KubernetesSerialization yaml = new KubernetesSerialization();
    List<Job> jobs =
        Arrays.stream(stdout().split("(?m)^---$"))
            .filter(doc -> doc.contains("kind: \"Job\""))
            .map(doc -> yaml.unmarshal(doc, Job.class))
            .toList();
    assertThat(jobs).hasSize(2);
    Job tune = jobs.get(0);
    assertThat(tune.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(tune.getSpec().getCompletions()).isEqualTo(2); // lr 2 x momentum 1
    assertThat(tune.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs())
        .startsWith("tune", "--prepare-only")
        .containsSubsequence("--from", FROM.toString(), "--to", TO.toString());
    assertThat(tune.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly("driftgate-store");
    Job best = jobs.get(1);
    assertThat(best.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs())
        .startsWith("tune", "--collect");
    assertThat(best.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .startsWith("gate");
  }

  @Test
  void katibDryRunPrintsTheExperiment() throws Exception {
    Path spec = specWithOneRequest();
    assertThat(
            Main.execute("launcher", "--dry-run", "--backend", "katib", "--spec", spec.toString()))
        .as(stderr())
        .isZero();
    assertThat(stdout())
        .contains("kind: \"Experiment\"")
        .contains("apiVersion: \"kubeflow.org/v1beta1\"")
        .contains("algorithmName: \"grid\"")
        .contains("${trialParameters.lr}");
  }
}
