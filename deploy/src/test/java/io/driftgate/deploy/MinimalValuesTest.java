package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
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

  @Test
  void launcherEndpointWithAnExistingSecretTokenReviewsAndAnotherClientNamespace()
      throws Exception {
    List<HasMetadata> docs = RenderedManifests.load("minimal");
    Deployment launcher =
        docs.stream()
            .filter(Deployment.class::isInstance)
            .map(Deployment.class::cast)
            .findFirst()
            .orElseThrow();
    var pod = launcher.getSpec().getTemplate().getSpec();
    // The existing Secret's key is mounted as the token file; the chart makes no Secret.
    assertThat(docs).noneMatch(d -> d.getKind().equals("Secret"));
    Volume token = RenderedChartTest.volume(pod, "http-token");
    assertThat(token.getSecret().getSecretName()).isEqualTo("launcher-token");
    assertThat(token.getSecret().getItems().get(0).getKey()).isEqualTo("api-token");
    assertThat(token.getSecret().getItems().get(0).getPath()).isEqualTo("token");
    assertThat(pod.getContainers().get(0).getArgs())
        .containsSubsequence(
            "--listen=0.0.0.0",
            "--http-token-file=/var/run/secrets/driftgate/launcher-http/token",
            "--http-token-review",
            "--http-allow=system:serviceaccount:driftgate:ops",
            "--http-allow=system:serviceaccounts:ci",
            "--http-token-audience=driftgate-launcher");

    // TokenReviews need system:auth-delegator, bound to the launcher's service account only.
    ClusterRoleBinding review =
        docs.stream()
            .filter(ClusterRoleBinding.class::isInstance)
            .map(ClusterRoleBinding.class::cast)
            .collect(
                java.util.stream.Collectors.collectingAndThen(
                    java.util.stream.Collectors.toList(),
                    l -> {
                      assertThat(l).hasSize(1);
                      return l.get(0);
                    }));
    assertThat(review.getRoleRef().getKind()).isEqualTo("ClusterRole");
    assertThat(review.getRoleRef().getName()).isEqualTo("system:auth-delegator");
    assertThat(review.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("driftgate-launcher");
              assertThat(s.getNamespace()).isEqualTo(RenderedManifests.NAMESPACE);
            });

    // The replaced client label, from this namespace and from namespace ci.
    NetworkPolicy np =
        docs.stream()
            .filter(NetworkPolicy.class::isInstance)
            .map(NetworkPolicy.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(np.getSpec().getIngress().get(0).getFrom())
        .satisfiesExactly(
            here -> {
              assertThat(here.getPodSelector().getMatchLabels())
                  .isEqualTo(Map.of("role", "driftgate-operator"));
              assertThat(here.getNamespaceSelector()).isNull();
            },
            ci -> {
              assertThat(ci.getPodSelector().getMatchLabels())
                  .isEqualTo(Map.of("role", "driftgate-operator"));
              assertThat(ci.getNamespaceSelector().getMatchLabels())
                  .isEqualTo(Map.of("kubernetes.io/metadata.name", "ci"));
            });
  }
}
