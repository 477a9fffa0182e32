package io.driftgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.spec.LauncherConfig;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KatibRendererTest {
  static RetrainRun run(String key) {
    return RetrainRun.requested(
        key, Fixtures.MODEL, RunRequest.from(Fixtures.request(key)), Instant.EPOCH);
  }

  @Test
  void textValuesAreCategoricalAndNumbersDiscrete() {
    Map<String, Object> grid = new LinkedHashMap<>();
    grid.put("lr", List.of(0.05, 0.1));
    grid.put("optimizer", List.of("sgd", "adam"));
    LauncherConfig c =
        LauncherConfig.parse(Map.of("backend", "katib", "image", "t:1", "grid", grid));
    var e = new KatibRenderer(c, Fixtures.MODEL).experiment(run("k"), 1);
    List<Map<String, Object>> parameters =
        KatibBackendTest.at(e.getAdditionalProperties(), "spec", "parameters");
    assertThat(parameters)
        .extracting(p -> p.get("name") + ":" + p.get("parameterType"))
        .containsExactly("lr:discrete", "optimizer:categorical");
    assertThat((List<String>) KatibBackendTest.at(parameters, 1, "feasibleSpace", "list"))
        .containsExactly("sgd", "adam");
    // a CPU-only config: no GPU selector or toleration on the trial pods
    Map<String, Object> pod =
        KatibBackendTest.at(
            e.getAdditionalProperties(),
            "spec",
            "trialTemplate",
            "trialSpec",
            "spec",
            "template",
            "spec");
    assertThat(pod).doesNotContainKeys("nodeSelector", "tolerations");
  }

  @Test
  void longKeysGiveExperimentNamesThatLeaveRoomForKatibsTrialSuffix() {
    String key = "flight-delay/" + "x".repeat(200) + "/drift";
    String name = JobNames.experimentName(key, 12);
    assertThat(name).hasSizeLessThanOrEqualTo(40).matches("[a-z]([-a-z0-9]*[a-z0-9])?");
    assertThat(name).endsWith("-tune-12").isNotEqualTo(JobNames.experimentName(key + "!", 12));
  }

  @Test
  void dryRunYamlShowsTheExperimentAndTheBestJobWithPlaceholders() {
    KatibRenderer r = new KatibRenderer(Fixtures.k8sConfig(), Fixtures.MODEL);
    String experiment = r.yaml(run("k"), 1);
    assertThat(experiment)
        .contains("kind: \"Experiment\"", "algorithmName: \"grid\"", "${trialParameters.lr}");
    String best = r.bestYamlWithPlaceholders(run("k"));
    assertThat(best)
        .contains("kind: \"Job\"", "lr=<best-lr>", "momentum=<best-momentum>", "epochs=5");
  }

  @Test
  void trialsAndTheBestModelReadThePinnedSnapshot() {
    RetrainRun pinned =
        RetrainRun.requested(
            "k",
            Fixtures.MODEL,
            RunRequest.from(Fixtures.request("k")).withLakeSnapshot("123", null),
            Instant.EPOCH);
    KatibRenderer r = new KatibRenderer(Fixtures.k8sConfig(), Fixtures.MODEL);
    assertThat(r.yaml(pinned, 1)).contains("- \"--snapshot\"\n", "- \"123\"\n");
    assertThat(r.yaml(pinned, 1)).doesNotContain("--metadata-location");
    assertThat(r.jobs().trainArgs(pinned, Map.of("lr", "0.1"), "/out"))
        .containsSequence("--snapshot", "123", "--param", "lr=0.1")
        .doesNotContain("--metadata-location");
    assertThat(r.jobs().gateArgs(pinned, 1)).endsWith("--snapshot", "123");
    // an unpinned run (a resumed run of an older launcher) reads the lake's current snapshot
    assertThat(r.jobs().trainArgs(run("k"), Map.of(), "/out")).doesNotContain("--snapshot");
  }
}
