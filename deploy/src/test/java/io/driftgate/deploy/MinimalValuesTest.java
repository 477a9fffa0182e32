package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The chart with helm/driftgate/ci/minimal-values.yaml: launcher only, no Workload Identity. */
class MinimalValuesTest {
  @Test
  void launcherOnlyWithoutWorkloadIdentity() throws Exception {
    List<HasMetadata> docs = RenderedManifests.load("minimal");
    assertThat(docs).noneMatch(d -> d.getKind().equals("FlinkDeployment"));
    assertThat(docs)
        .filteredOn(ServiceAccount.class::isInstance)
        .extracting(d -> d.getMetadata().getName())
        .containsExactlyInAnyOrder("driftgate-launcher", "driftgate-trainer");
    assertThat(docs)
        .filteredOn(ServiceAccount.class::isInstance)
        .allSatisfy(sa -> assertThat(sa.getMetadata().getAnnotations()).isNullOrEmpty());
    Deployment launcher =
        docs.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(launcher.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("localhost:5000/driftgate/driftgate-launcher:dev");
  }
}
