package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart with helm/driftgate/ci/minimal-values.yaml: launcher only, no Workload Identity, PVCs
 * instead of buckets, CPU trainer, Katib allowed.
 */
class MinimalValuesTest {
  @Test
  @SuppressWarnings("unchecked")
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

    // PVCs instead of buckets: no Cloud Storage FUSE sidecar, claims in the pod and in the Jobs.
    assertThat(launcher.getSpec().getTemplate().getMetadata().getAnnotations())
        .doesNotContainKey("gke-gcsfuse/volumes");
    Volume models = RenderedChartTest.volume(launcher.getSpec().getTemplate().getSpec(), "models");
    assertThat(models.getCsi()).isNull();
    assertThat(models.getPersistentVolumeClaim().getClaimName()).isEqualTo("driftgate-models");
    Volume lake = RenderedChartTest.volume(launcher.getSpec().getTemplate().getSpec(), "lake");
    assertThat(lake.getPersistentVolumeClaim().getClaimName()).isEqualTo("driftgate-lake");
    Map<String, Object> section =
        (Map<String, Object>) RenderedChartTest.renderedSpec(docs).get("launcher");
    assertThat(section)
        .containsEntry("image", "localhost:5000/driftgate/driftgate-trainer:dev-cpu")
        .containsEntry("gpuCount", 0)
        .containsEntry("cpu", "2")
        .containsEntry("grid", Map.of("lr", List.of(0.05)))
        .doesNotContainKeys("gpuPools", "gpuType");
    assertThat((List<Map<String, Object>>) section.get("volumes"))
        .extracting(v -> v.get("claimName"))
        .containsExactly("driftgate-lake", "driftgate-models");

    // launcher.katib.enabled adds exactly the experiments rule.
    Role role =
        docs.stream()
            .filter(Role.class::isInstance)
            .map(Role.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(role.getRules()).hasSize(3);
    PolicyRule katib = role.getRules().get(2);
    assertThat(katib.getApiGroups()).containsExactly("kubeflow.org");
    assertThat(katib.getResources()).containsExactly("experiments");
    assertThat(katib.getVerbs())
        .containsExactlyInAnyOrder("get", "list", "watch", "create", "delete");
  }
}
