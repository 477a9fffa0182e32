package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
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
 * The chart with helm/driftgate/ci/minimal-values.yaml: launcher only, no Workload Identity, one
 * ReadWriteMany PVC instead of object storage, database credentials mounted as files, CPU trainer,
 * Katib allowed.
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

    // The PVC option: one claim at /data in the launcher and in every Job, holding the lake's
    // warehouse and the artifact store as folders; nothing of Cloud Storage FUSE.
    PodSpec pod = launcher.getSpec().getTemplate().getSpec();
    assertThat(launcher.getSpec().getReplicas()).isEqualTo(1);
    assertThat(launcher.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsOnlyKeys("checksum/spec");
    Volume data = RenderedChartTest.volume(pod, "data");
    assertThat(data.getCsi()).isNull();
    assertThat(data.getPersistentVolumeClaim().getClaimName()).isEqualTo("driftgate-data");
    Container c = pod.getContainers().get(0);
    assertThat(RenderedChartTest.mountPaths(c))
        .containsEntry("data", "/data")
        .containsEntry("db-credentials", "/etc/driftgate/db")
        .doesNotContainKeys("models", "lake");
    Map<String, Object> spec = RenderedChartTest.renderedSpec(docs);
    Map<String, Object> lake = (Map<String, Object>) spec.get("lake");
    assertThat(lake).containsEntry("path", "/data/lake");
    assertThat((Map<String, Object>) lake.get("catalog"))
        .containsEntry("uri", "jdbc:postgresql://postgres.db.svc.cluster.local:5432/driftgate")
        .containsEntry("warehouse", "/data/lake/warehouse");
    Map<String, Object> state = (Map<String, Object>) spec.get("state");
    assertThat(state).containsEntry("artifacts", "/data/artifacts");

    // database.credentials=file: the Secret mounted read-only, the spec names the files, no
    // credential in an environment variable.
    Volume secret = RenderedChartTest.volume(pod, "db-credentials");
    assertThat(secret.getSecret().getSecretName()).isEqualTo("postgres-driftgate");
    assertThat(secret.getSecret().getItems())
        .extracting(i -> i.getKey() + "->" + i.getPath())
        .containsExactly("user->user", "password->password");
    assertThat(c.getVolumeMounts())
        .filteredOn(m -> m.getName().equals("db-credentials"))
        .singleElement()
        .satisfies(m -> assertThat(m.getReadOnly()).isTrue());
    assertThat(c.getEnv()).extracting(EnvVar::getName).doesNotContain("DRIFTGATE_DB_PASSWORD");
    assertThat(
            (Map<String, Object>) ((Map<String, Object>) state.get("database")).get("properties"))
        .isEqualTo(
            Map.of(
                "user", "${file:/etc/driftgate/db/user}",
                "password", "${file:/etc/driftgate/db/password}"));

    Map<String, Object> section = (Map<String, Object>) spec.get("launcher");
    assertThat(section)
        .containsEntry("image", "localhost:5000/driftgate/driftgate-trainer:dev-cpu")
        .containsEntry("gpuCount", 0)
        .containsEntry("cpu", "2")
        .containsEntry("grid", Map.of("lr", List.of(0.05)))
        .doesNotContainKeys("gpuPools", "gpuType", "store", "registry");
    assertThat((List<Map<String, Object>>) section.get("volumes"))
        .containsExactly(
            Map.of("name", "data", "mountPath", "/data", "claimName", "driftgate-data"));
    io.driftgate.core.spec.LauncherConfig config =
        io.driftgate.core.spec.LauncherConfig.parse(section);
    assertThat(config.volumes())
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.claimName()).isEqualTo("driftgate-data");
              assertThat(v.mountPath()).isEqualTo("/data");
            });

    // launcher.katib.enabled adds exactly the experiments rule.
    Role role =
        docs.stream()
            .filter(Role.class::isInstance)
            .map(Role.class::cast)
            .findFirst()
            .orElseThrow();
    assertThat(role.getRules()).hasSize(5);
    PolicyRule katib = role.getRules().get(4);
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
