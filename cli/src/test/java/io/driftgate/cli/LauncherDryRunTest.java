package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.testkit.lake.CommittedLakes;
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
 * monitor's request log (state database), printed as YAML that parses back into the objects the
 * backend would create, touching neither Kafka nor a cluster.
 */
class LauncherDryRunTest extends ConsoleCapture {
  static final Instant FROM = Instant.parse("2026-01-05T06:00:00Z");
  static final Instant TO = Instant.parse("2026-01-05T15:00:00Z");

  @TempDir Path work;

  Path specWithOneRequest() throws Exception {
    return specWithOneRequest(FROM, TO);
  }

  Path specWithOneRequest(Instant from, Instant to) throws Exception {
    Path lake = Files.createDirectories(work.resolve("lake"));
    Path spec = Files.writeString(work.resolve("driftgate.yaml"), spec(lake));
    // The monitor's request, in the state database the spec names (the launcher reads it there).
    MonitorStore.open(SpecLoader.load(spec).state(), "flight-delay")
        .writeRequest(
            RetrainRequest.newBuilder()
                .setIdempotencyKey("flight-delay/2026-01-05T15:00Z/drift")
                .setModel("flight-delay")
                .setReasons(List.of("drift"))
                .setTriggerWindowEnd(to)
                .setDataFrom(from)
                .setDataTo(to)
                .setValidRecordsSinceLastRun(32_400L)
                .setRequestedAt(to)
                .build());
    return spec;
  }

  /** The example spec on {@code lake} with a kubernetes launcher section on a claim (no FUSE). */
  static String spec(Path lake) throws Exception {
    return TinyLake.specFor(lake)
        + "\nlauncher:\n"
        + "  backend: kubernetes\n"
        + "  namespace: ml\n"
        + "  image: driftgate-trainer:test-cpu\n"
        + "  serviceAccount: driftgate-trainer\n"
        + "  specConfigMap: driftgate-spec\n"
        + "  volumes:\n"
        + "    - {name: data, mountPath: /data, claimName: driftgate-data}\n"
        + "  grid: {lr: [0.05, 0.1], momentum: [0.9]}\n"
        + "  params: {epochs: 3, hidden: 16, batchSize: 64}\n";
  }

  List<Job> jobs() {
    KubernetesSerialization yaml = new KubernetesSerialization();
    return Arrays.stream(stdout().split("(?m)^---$"))
        .map(doc -> doc.replaceAll("(?m)^# .*$", "")) // the launcher's comments
        .filter(doc -> doc.contains("kind: \"Job\""))
        .map(doc -> yaml.unmarshal(doc, Job.class))
        .toList();
  }

  @Test
  void theJobsReadTheSnapshotTheLakeWouldBePinnedToFromItsMetadataFile() throws Exception {
    CommittedLakes.Lake lake =
        CommittedLakes.of(TinyLake.SPEC)
            .seed(2)
            .count(300)
            .rowsPerCommit(100)
            .write(work.resolve("lake"));
    String metadata;
    try (Lake l = Lake.open(lake.root())) {
      metadata = l.metadataLocation();
    }
    Path spec =
        specWithOneRequest(Instant.ofEpochMilli(lake.from()), Instant.ofEpochMilli(lake.to()));
    assertThat(Main.execute("launcher", "--dry-run", "--spec", spec.toString()))
        .as(stderr())
        .isZero();
    assertThat(stdout()).contains("lake snapshot " + lake.lastSnapshot());
    List<Job> jobs = jobs();
    assertThat(jobs).hasSize(2);
    String id = Long.toString(lake.lastSnapshot());
    // the lake's embedded catalog is on the launcher's disk: pods read the metadata file
    assertThat(jobs.get(0).getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs())
        .startsWith("tune", "--prepare-only")
        .containsSubsequence("--snapshot", id, "--metadata-location", metadata);
    assertThat(jobs.get(1).getSpec().getTemplate().getSpec().getContainers().get(0).getArgs())
        .startsWith("gate")
        .containsSubsequence("--snapshot", id, "--metadata-location", metadata);

    out.reset();
    assertThat(
            Main.execute("launcher", "--dry-run", "--backend", "local", "--spec", spec.toString()))
        .isZero();
    assertThat(stdout()).contains("of lake snapshot " + id + ", then gate");
  }

  @Test
  void kubernetesDryRunPrintsTheTwoJobsOfTheRun() throws Exception {
    Path spec = specWithOneRequest();
    assertThat(Main.execute("launcher", "--dry-run", "--spec", spec.toString()))
        .as(stderr())
        .isZero();
    // no lake data yet: the launcher would wait for a snapshot, shown as a placeholder
    assertThat(stdout()).contains("no lake snapshot covers", "the lake has no commit yet");
    List<Job> jobs = jobs();
    assertThat(jobs).hasSize(2);
    Job tune = jobs.get(0);
    assertThat(tune.getSpec().getCompletionMode()).isEqualTo("Indexed");
    assertThat(tune.getSpec().getCompletions()).isEqualTo(2); // lr 2 x momentum 1
    assertThat(tune.getSpec().getTemplate().getSpec().getInitContainers().get(0).getArgs())
        .startsWith("tune", "--prepare-only")
        .containsSubsequence("--from", FROM.toString(), "--to", TO.toString())
        .containsSubsequence("--snapshot", io.driftgate.launcher.DryRun.SNAPSHOT_PLACEHOLDER)
        .doesNotContain("--metadata-location");
    assertThat(tune.getSpec().getTemplate().getSpec().getVolumes())
        .filteredOn(v -> v.getPersistentVolumeClaim() != null)
        .extracting(v -> v.getPersistentVolumeClaim().getClaimName())
        .containsExactly("driftgate-data");
    assertThat(tune.getSpec().getTemplate().getSpec().getVolumes())
        .allSatisfy(v -> assertThat(v.getCsi()).isNull());
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
