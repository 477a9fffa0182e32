package io.driftgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.RunStep;
import io.driftgate.core.spec.LauncherConfig;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a run's Jobs keep what passes between their pods: the artifact store, or a claim. */
class JobRendererTest {

  @Test
  void objectKeysAreUnderTheRunsPrefixAndLocationsUnderTheStoresRoot() {
    JobRenderer r =
        new JobRenderer(
            Fixtures.k8sConfig(),
            Fixtures.MODEL,
            JobRenderer.Tuner.INDEXED_JOB,
            "gs://b/artifacts/");
    String run = "runs/flight-delay/" + JobNames.runLabel("k");
    assertThat(r.runKey("k")).isEqualTo(run);
    assertThat(r.studyKey("k")).isEqualTo(run + "/study");
    assertThat(r.bestKey("k", 2)).isEqualTo(run + "/best-2");
    assertThat(r.championKey("k", 2)).isEqualTo(run + "/gate-2/champion.json");
    assertThat(r.decisionKey("k", 2)).isEqualTo(run + "/gate-2/decision.json");
    assertThat(r.reportKey("k", 2)).isEqualTo(run + "/gate-2/report.html");
    assertThat(r.location(r.studyKey("k"))).isEqualTo("gs://b/artifacts/" + run + "/study");
    assertThat(new KatibRenderer(Fixtures.k8sConfig(), Fixtures.MODEL).trialsKey("k"))
        .isEqualTo(run + "/katib");
  }

  @Test
  void aClaimIsMountedInEveryContainerOfEveryJobAndNothingIsFuse() {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("backend", "kubernetes");
    m.put("image", "trainer:1");
    m.put("specConfigMap", "driftgate-spec");
    m.put("volumes", List.of(Map.of("name", "data", "mountPath", "/data", "claimName", "dg")));
    LauncherConfig config = LauncherConfig.parse(m);
    JobRenderer r = new JobRenderer(config, Fixtures.MODEL);
    for (RunStep step : List.of(RunStep.TUNE, RunStep.BEST)) {
      Job job = r.render(KatibRendererTest.run("k"), step, 1);
      PodSpec pod = job.getSpec().getTemplate().getSpec();
      assertThat(pod.getVolumes())
          .extracting(v -> v.getName())
          .containsExactly("spec", "data", "tmp", "work", "local-data");
      assertThat(pod.getVolumes().get(1).getPersistentVolumeClaim().getClaimName()).isEqualTo("dg");
      assertThat(pod.getVolumes()).allSatisfy(v -> assertThat(v.getCsi()).isNull());
      assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
          .containsOnlyKeys(JobRenderer.ANNOTATION_KEY);
      List<Container> containers = new ArrayList<>(pod.getInitContainers());
      containers.addAll(pod.getContainers());
      assertThat(containers)
          .hasSize(2)
          .allSatisfy(
              c ->
                  assertThat(c.getVolumeMounts())
                      .anySatisfy(v -> assertThat(v.getMountPath()).isEqualTo("/data")));
    }
    String yaml = r.yaml(KatibRendererTest.run("k"), RunStep.BEST, 1);
    assertThat(yaml.toLowerCase(java.util.Locale.ROOT)).doesNotContain("fuse", "csi");
  }
}
