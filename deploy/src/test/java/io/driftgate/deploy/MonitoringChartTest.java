package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Metrics and logs in the chart: Flink's Prometheus reporter in the FlinkDeployment, the launcher's
 * log format, and (helm/driftgate/ci/monitoring-values.yaml) the PodMonitorings that GKE Managed
 * Prometheus scrapes and the NetworkPolicy rule that lets its collectors in.
 */
class MonitoringChartTest {
  private static final String PREFIX = RenderedManifests.RELEASE + "-driftgate";

  private static <T extends HasMetadata> T one(
      List<HasMetadata> docs, Class<T> type, String kind, String name) {
    List<T> found =
        docs.stream()
            .filter(type::isInstance)
            .filter(d -> d.getKind().equals(kind))
            .map(type::cast)
            .filter(d -> d.getMetadata().getName().equals(name))
            .toList();
    assertThat(found).as("%s %s", kind, name).hasSize(1);
    return found.get(0);
  }

  private static List<GenericKubernetesResource> podMonitorings(List<HasMetadata> docs) {
    return docs.stream()
        .filter(d -> d.getKind().equals("PodMonitoring"))
        .map(GenericKubernetesResource.class::cast)
        .toList();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> flinkConfiguration(List<HasMetadata> docs) {
    GenericKubernetesResource fd =
        one(docs, GenericKubernetesResource.class, "FlinkDeployment", PREFIX + "-ingest");
    return (Map<String, String>) spec(fd).get("flinkConfiguration");
  }

  private static Container launcher(List<HasMetadata> docs) {
    Deployment d = one(docs, Deployment.class, "Deployment", PREFIX + "-launcher");
    return d.getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  @Test
  void byDefaultFlinkReportsToPrometheusTheLauncherLogsJsonAndNoPodMonitoringIsMade()
      throws Exception {
    List<HasMetadata> docs = RenderedManifests.load("default");
    assertThat(flinkConfiguration(docs))
        .containsEntry(
            "metrics.reporter.prom.factory.class",
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory")
        .containsEntry("metrics.reporter.prom.port", "9249");
    Map<String, String> env =
        launcher(docs).getEnv().stream()
            .filter(e -> e.getValue() != null)
            .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
    assertThat(env)
        .containsEntry("DRIFTGATE_LOG_FORMAT", "json")
        .containsEntry("DRIFTGATE_LOG_LEVEL", "info");
    // Without Managed Prometheus' CRDs a PodMonitoring would fail the install.
    assertThat(podMonitorings(docs)).isEmpty();
    NetworkPolicy np = one(docs, NetworkPolicy.class, "NetworkPolicy", PREFIX + "-launcher");
    assertThat(np.getSpec().getIngress()).hasSize(1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void podMonitoringsScrapeTheLauncherAndTheFlinkReporterWhereTheyListen() throws Exception {
    List<HasMetadata> docs = RenderedManifests.load("monitoring");
    List<GenericKubernetesResource> monitors = podMonitorings(docs);
    assertThat(monitors)
        .extracting(m -> m.getMetadata().getName())
        .containsExactlyInAnyOrder(PREFIX + "-launcher", PREFIX + "-ingest");
    for (GenericKubernetesResource m : monitors) {
      assertThat(m.getApiVersion()).isEqualTo("monitoring.googleapis.com/v1");
    }

    // The launcher's: its pods (the Deployment's pod labels), its named http port, /metrics.
    GenericKubernetesResource lm =
        one(docs, GenericKubernetesResource.class, "PodMonitoring", PREFIX + "-launcher");
    Deployment deployment = one(docs, Deployment.class, "Deployment", PREFIX + "-launcher");
    Map<String, Object> selector = (Map<String, Object>) spec(lm).get("selector");
    assertThat((Map<String, String>) selector.get("matchLabels"))
        .isNotEmpty()
        .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsAllEntriesOf((Map<String, String>) selector.get("matchLabels"));
    List<Map<String, Object>> endpoints = (List<Map<String, Object>>) spec(lm).get("endpoints");
    assertThat(endpoints).hasSize(1);
    assertThat(endpoints.get(0))
        .containsEntry("port", "http")
        .containsEntry("path", "/metrics")
        .containsEntry("interval", "15s");
    assertThat(launcher(docs).getPorts())
        .anySatisfy(p -> assertThat(p.getName()).isEqualTo("http"));

    // The ingest's: the operator's pods of the FlinkDeployment (app=<name>), the reporter's port.
    GenericKubernetesResource im =
        one(docs, GenericKubernetesResource.class, "PodMonitoring", PREFIX + "-ingest");
    assertThat(
            (Map<String, String>)
                ((Map<String, Object>) spec(im).get("selector")).get("matchLabels"))
        .containsExactlyEntriesOf(Map.of("app", PREFIX + "-ingest"));
    List<Map<String, Object>> flinkEndpoints =
        (List<Map<String, Object>>) spec(im).get("endpoints");
    assertThat(flinkEndpoints).hasSize(1);
    assertThat(String.valueOf(flinkEndpoints.get(0).get("port")))
        .isEqualTo(flinkConfiguration(docs).get("metrics.reporter.prom.port"));
    assertThat(flinkEndpoints.get(0)).containsEntry("path", "/metrics");

    // The collectors (gmp-system) may reach the launcher's http port; nobody else is added.
    NetworkPolicy np = one(docs, NetworkPolicy.class, "NetworkPolicy", PREFIX + "-launcher");
    assertThat(np.getSpec().getIngress()).hasSize(2);
    NetworkPolicyIngressRule scrape = np.getSpec().getIngress().get(1);
    assertThat(scrape.getFrom()).hasSize(1);
    assertThat(scrape.getFrom().get(0).getPodSelector()).isNull();
    assertThat(scrape.getFrom().get(0).getNamespaceSelector().getMatchLabels())
        .containsExactlyEntriesOf(Map.of("kubernetes.io/metadata.name", "gmp-system"));
    assertThat(scrape.getPorts()).hasSize(1);
    assertThat(scrape.getPorts().get(0).getPort().getStrVal()).isEqualTo("http");
  }

  @Test
  void theSchemaRefusesAnUnknownLogFormat() throws Exception {
    RenderedManifests.Result r = RenderedManifests.render(List.of("--set", "logging.format=xml"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).contains("logging").contains("format");
    RenderedManifests.Result ok = RenderedManifests.render(List.of("--set", "logging.format=text"));
    assertThat(ok.exitCode()).as(ok.output()).isZero();
    assertThat(ok.output()).contains("value: \"text\"");
  }
}
