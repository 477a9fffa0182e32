package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.driftgate.core.run.LauncherConfig;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunRequest;
import io.driftgate.launcher.KatibRenderer;
import io.driftgate.schemas.RetrainRequest;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Katib {@code Experiment} the launcher creates for the chart's configuration (value set
 * gcp-kafka, which enables Katib) passes what Katib checks ({@link KatibExperimentRules}), and the
 * rules catch a planted mistake of each kind.
 */
class KatibExperimentTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();
  private final KatibExperimentRules rules = new KatibExperimentRules();

  /** The longest key the launcher accepts gives the longest Experiment name. */
  private static final String LONG_KEY = "flight-delay/" + "x".repeat(180) + "/drift";

  @Test
  void theVendoredCrdLeavesAllCheckingToKatibsWebhook() throws Exception {
    JsonNode crd;
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream("katib/v1beta1/experiment-crd.yaml")) {
      crd = new YAMLMapper().readTree(in);
    }
    assertThat(crd.path("spec").path("group").asText()).isEqualTo("kubeflow.org");
    assertThat(crd.path("spec").path("names").path("kind").asText()).isEqualTo(KatibRenderer.KIND);
    JsonNode v1beta1 = crd.path("spec").path("versions").get(0);
    assertThat(v1beta1.path("name").asText()).isEqualTo("v1beta1");
    assertThat(KatibRenderer.API_VERSION).isEqualTo("kubeflow.org/v1beta1");
    // No structural schema: the API server would accept anything, so the webhook's rules (and
    // the Go types behind the swagger file) are what an Experiment must pass.
    assertThat(
            v1beta1
                .path("schema")
                .path("openAPIV3Schema")
                .path("x-kubernetes-preserve-unknown-fields")
                .asBoolean())
        .isTrue();
    assertThat(rules.algorithms()).contains("grid", "random", "tpe");
  }

  @Test
  @SuppressWarnings("unchecked")
  void theChartsKatibExperimentPassesKatibsChecks() throws Exception {
    Map<String, Object> launcher =
        (Map<String, Object>)
            RenderedChartTest.renderedSpec(RenderedManifests.load("gcp-kafka")).get("launcher");
    assertThat(launcher).containsEntry("backend", "katib");
    LauncherConfig config = LauncherConfig.parse(launcher);
    assertThat(config.backend()).isEqualTo(LauncherConfig.Backend.KATIB);

    JsonNode experiment = experiment(config, LONG_KEY, 12);
    assertThat(experiment.path("metadata").path("name").asText()).hasSizeLessThanOrEqualTo(40);
    assertThat(rules.check(experiment)).isEmpty();
    assertThat(experiment.path("spec").path("parameters"))
        .hasSize(((Map<String, Object>) launcher.get("grid")).size());
  }

  @Test
  void eachPlantedMistakeIsCaught() throws Exception {
    LauncherConfig config =
        LauncherConfig.parse(
            Map.of(
                "backend",
                "katib",
                "image",
                "trainer:1",
                "grid",
                Map.of("lr", List.of(0.05, 0.1), "momentum", List.of(0.5, 0.9))));
    JsonNode good = experiment(config, "k", 1);
    assertThat(rules.check(good)).isEmpty();

    ObjectNode longName = good.deepCopy();
    ((ObjectNode) longName.path("metadata")).put("name", "dg-" + "a".repeat(40));
    assertThat(rules.check(longName))
        .singleElement()
        .asString()
        .contains("metadata.name", "40 characters");

    ObjectNode misspelled = good.deepCopy();
    ((ObjectNode) misspelled.path("spec")).put("parallelTrialCounts", 2);
    assertThat(rules.check(misspelled))
        .containsExactly("unknown field spec.parallelTrialCounts (Katib ignores it)");

    ObjectNode badType = good.deepCopy();
    ((ObjectNode) badType.path("spec").path("parameters").get(0)).put("parameterType", "float");
    assertThat(rules.check(badType))
        .anySatisfy(e -> assertThat(e).contains("parameterType: float is not supported"));

    ObjectNode wrongTypeOfValue = good.deepCopy();
    ((ObjectNode) wrongTypeOfValue.path("spec")).put("maxTrialCount", "four");
    assertThat(rules.check(wrongTypeOfValue)).anySatisfy(e -> assertThat(e).startsWith("type: "));

    ObjectNode unknownPlaceholder = good.deepCopy();
    ArrayNode trialParameters =
        (ArrayNode) unknownPlaceholder.path("spec").path("trialTemplate").path("trialParameters");
    trialParameters.remove(trialParameters.size() - 1);
    assertThat(rules.check(unknownPlaceholder))
        .anySatisfy(e -> assertThat(e).contains("are not in spec.trialTemplate.trialParameters"));

    ObjectNode noContainer = good.deepCopy();
    ((ObjectNode) noContainer.path("spec").path("trialTemplate"))
        .put("primaryContainerName", "nope");
    assertThat(rules.check(noContainer))
        .containsExactly(
            "spec.trialTemplate.primaryContainerName: no container nope in the trial's pod");

    ObjectNode lostField = good.deepCopy();
    ((ObjectNode) lostField.path("spec").path("trialTemplate").path("trialSpec").path("spec"))
        .put("backoffLimitPerPod", 1);
    assertThat(rules.check(lostField))
        .anySatisfy(e -> assertThat(e).contains("/spec/backoffLimitPerPod is lost"));

    ObjectNode objectiveTwice = good.deepCopy();
    ((ArrayNode) objectiveTwice.path("spec").path("objective").path("additionalMetricNames"))
        .add(KatibRenderer.OBJECTIVE_METRIC);
    assertThat(rules.check(objectiveTwice))
        .anySatisfy(e -> assertThat(e).contains("should not contain"));

    ObjectNode tooParallel = good.deepCopy();
    ((ObjectNode) tooParallel.path("spec")).put("parallelTrialCount", 99);
    assertThat(rules.check(tooParallel))
        .containsExactly(
            "spec.parallelTrialCount: should be less than or equal to spec.maxTrialCount");
  }

  private static JsonNode experiment(LauncherConfig config, String key, int attempt)
      throws Exception {
    RetrainRequest request =
        RetrainRequest.newBuilder()
            .setIdempotencyKey(key)
            .setModel("flight-delay")
            .setReasons(List.of("drift"))
            .setTriggerWindowEnd(Instant.parse("2024-03-01T10:00:00Z"))
            .setDataFrom(Instant.parse("2024-02-01T00:00:00Z"))
            .setDataTo(Instant.parse("2024-03-01T10:00:00Z"))
            .setValidRecordsSinceLastRun(1_000L)
            .setRequestedAt(Instant.parse("2024-03-01T10:00:05Z"))
            .build();
    RetrainRun run =
        RetrainRun.requested(key, "flight-delay", RunRequest.from(request), Instant.EPOCH);
    return JSON.readTree(
        KUBE.asJson(new KatibRenderer(config, "flight-delay").experiment(run, attempt)));
  }
}
