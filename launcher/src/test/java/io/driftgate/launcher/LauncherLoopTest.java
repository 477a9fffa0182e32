package io.driftgate.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.state.StateDatabase;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run loop's leader election: which kind, and on what. */
@EnableKubernetesMockClient(crud = true)
class LauncherLoopTest {
  @TempDir Path dir;
  KubernetesClient client;

  static final Map<String, String> POD =
      Map.of(
          "KUBERNETES_SERVICE_HOST", "10.0.0.1",
          "POD_NAME", "drift-driftgate-launcher-7d9f-abcde",
          "POD_NAMESPACE", "ml");

  @Test
  void inKubernetesTheElectionIsOnALeaseElsewhereInTheDatabase() throws Exception {
    StateDatabase db = StateDatabase.open("jdbc:sqlite:" + dir.resolve("s.db"), Map.of());
    try (LeaderElection k8s =
        LauncherLoop.builder()
            .optEnv(POD)
            .build()
            .leaderElection("m", LauncherConfig.defaults(), db, client)) {
      assertThat(k8s).isInstanceOf(KubernetesLeaderElection.class);
      assertThat(k8s.awaitLeadership(Duration.ofSeconds(20))).isTrue();
      Lease lease = client.leases().inNamespace("ml").withName("driftgate-launcher-m").get();
      assertThat(lease.getSpec().getHolderIdentity())
          .isEqualTo("drift-driftgate-launcher-7d9f-abcde");
      assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(15);
    }
    // the chart names the Lease (its RBAC allows only that one)
    try (LeaderElection named =
        LauncherLoop.builder()
            .optEnv(POD)
            .optLeaseName("drift-driftgate-launcher")
            .build()
            .leaderElection("m", LauncherConfig.defaults(), db, client)) {
      assertThat(named.awaitLeadership(Duration.ofSeconds(20))).isTrue();
      assertThat(client.leases().inNamespace("ml").withName("drift-driftgate-launcher").get())
          .isNotNull();
    }
    try (LeaderElection local =
        LauncherLoop.builder()
            .optEnv(Map.of())
            .build()
            .leaderElection("m", LauncherConfig.defaults(), db, client)) {
      assertThat(local).isInstanceOf(DatabaseLeaderElection.class);
      assertThat(((DatabaseLeaderElection) local).lease().name()).isEqualTo("launcher/m");
      assertThat(local.awaitLeadership(Duration.ofSeconds(5))).isTrue();
    }
    try (LeaderElection alone =
        LauncherLoop.builder()
            .optEnv(POD)
            .optLeaderKind(LauncherLoop.LeaderKind.NONE)
            .build()
            .leaderElection("m", LauncherConfig.defaults(), db, client)) {
      assertThat(alone).isNotInstanceOf(KubernetesLeaderElection.class);
      assertThat(alone.awaitLeadership(Duration.ZERO)).isTrue();
    }
  }
}
