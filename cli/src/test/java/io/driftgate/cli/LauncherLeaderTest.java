package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.LauncherConfig;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.DatabaseLease;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.launcher.DatabaseLeaderElection;
import io.driftgate.launcher.KubernetesLeaderElection;
import io.driftgate.launcher.LeaderElection;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftgate launcher} runs requests only while it holds the lease. */
@EnableKubernetesMockClient(crud = true)
class LauncherLeaderTest extends ConsoleCapture {
  @TempDir Path dir;
  KubernetesClient client;

  @Test
  void aSecondLocalLauncherWaitsForTheLeaseAndRunsNothing() throws Exception {
    Path spec =
        Files.writeString(dir.resolve("driftgate.yaml"), TinyLake.specFor(dir.resolve("lake")));
    StateSpec state = SpecLoader.load(spec).state();
    DatabaseLease other =
        new DatabaseLease(
            StateDatabase.open(state),
            "launcher/flight-delay",
            "other-launcher",
            Duration.ofHours(1));
    assertThat(other.tryAcquire()).isTrue();

    long started = System.nanoTime();
    int rc =
        Main.execute(
            "launcher",
            "--once",
            "--spec",
            spec.toString(),
            "--bootstrap-servers",
            "127.0.0.1:1", // never reached: it does not lead
            "--registry",
            dir.resolve("registry").toString(),
            "--timeout",
            "PT2S");
    assertThat(rc).as(stdout() + stderr()).isOne();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofSeconds(2));
    assertThat(stdout())
        .contains("runs in " + state.describe())
        .contains("not leading after PT2S: lease launcher/flight-delay held by other-launcher")
        .doesNotContain("request(s) read");
    assertThat(other.current().orElseThrow().holder()).isEqualTo("other-launcher");
  }

  @Test
  void inKubernetesTheElectionIsOnALeaseElsewhereInTheDatabase() throws Exception {
    StateDatabase db = StateDatabase.open("jdbc:sqlite:" + dir.resolve("s.db"), Map.of());
    LauncherCommand cmd = new LauncherCommand();
    Map<String, String> pod =
        Map.of(
            "KUBERNETES_SERVICE_HOST", "10.0.0.1",
            "POD_NAME", "drift-driftgate-launcher-7d9f-abcde",
            "POD_NAMESPACE", "ml");
    try (LeaderElection k8s = cmd.leaderElection("m", LauncherConfig.defaults(), db, client, pod)) {
      assertThat(k8s).isInstanceOf(KubernetesLeaderElection.class);
      assertThat(k8s.awaitLeadership(Duration.ofSeconds(20))).isTrue();
      Lease lease = client.leases().inNamespace("ml").withName("driftgate-launcher-m").get();
      assertThat(lease.getSpec().getHolderIdentity())
          .isEqualTo("drift-driftgate-launcher-7d9f-abcde");
      assertThat(lease.getSpec().getLeaseDurationSeconds()).isEqualTo(15);
    }
    // the chart names the Lease (its RBAC allows only that one)
    cmd.leaseName = "drift-driftgate-launcher";
    try (LeaderElection named =
        cmd.leaderElection("m", LauncherConfig.defaults(), db, client, pod)) {
      assertThat(named.awaitLeadership(Duration.ofSeconds(20))).isTrue();
      assertThat(client.leases().inNamespace("ml").withName("drift-driftgate-launcher").get())
          .isNotNull();
    }
    try (LeaderElection local =
        cmd.leaderElection("m", LauncherConfig.defaults(), db, client, Map.of())) {
      assertThat(local).isInstanceOf(DatabaseLeaderElection.class);
      assertThat(((DatabaseLeaderElection) local).lease().name()).isEqualTo("launcher/m");
      assertThat(local.awaitLeadership(Duration.ofSeconds(5))).isTrue();
    }
    cmd.leaderElection = LauncherCommand.LeaderKind.NONE;
    try (LeaderElection alone =
        cmd.leaderElection("m", LauncherConfig.defaults(), db, client, pod)) {
      assertThat(alone).isNotInstanceOf(KubernetesLeaderElection.class);
      assertThat(alone.awaitLeadership(Duration.ZERO)).isTrue();
    }
  }
}
