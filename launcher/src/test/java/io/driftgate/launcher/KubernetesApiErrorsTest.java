package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.run.RunStep;
import io.driftgate.core.spec.LauncherConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Failed API calls of the Kubernetes backend (here: RBAC refuses them) are counted by operation.
 */
@EnableKubernetesMockClient
class KubernetesApiErrorsTest {
  KubernetesMockServer server;
  KubernetesClient client;

  final LauncherConfig config = Fixtures.k8sConfig();

  @Test
  void failedCreatesListsAndDeletesAreCounted() {
    server
        .expect()
        .post()
        .withPath("/apis/batch/v1/namespaces/ml/jobs")
        .andReturn(403, "jobs.batch is forbidden")
        .always();
    server
        .expect()
        .get()
        .withPath(
            "/apis/batch/v1/namespaces/ml/jobs?labelSelector=driftgate.io%2Fmodel%3Dflight-delay")
        .andReturn(403, "jobs.batch is forbidden")
        .always();
    LauncherMetrics metrics = new LauncherMetrics(Fixtures.MODEL);
    KubernetesBackend backend =
        new KubernetesBackend(client, new JobRenderer(config, Fixtures.MODEL), Fixtures.MODEL);
    backend.bindMetrics(metrics);
    RetrainRun run =
        RetrainRun.requested("k-1", Fixtures.MODEL, RunRequest.from(request("k-1")), Instant.now());

    assertThatThrownBy(() -> backend.submit(run, RunStep.TUNE, 1))
        .isInstanceOf(StepException.class);
    assertThatThrownBy(() -> backend.reconcile(List.of(run)))
        .isInstanceOf(KubernetesClientException.class);
    backend.close();

    String scrape = metrics.scrape();
    assertThat(
            LauncherMetricsTest.value(
                scrape, "driftgate_launcher_kubernetes_api_errors_total", "operation", "create"))
        .isEqualTo(1);
    assertThat(
            LauncherMetricsTest.value(
                scrape, "driftgate_launcher_kubernetes_api_errors_total", "operation", "list"))
        .isEqualTo(1);
  }
}
