package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.DatabaseLease;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.launcher.DatabaseLeaderElection;
import io.driftgate.launcher.LeaderElection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftgate launcher} outside Kubernetes runs requests only while it holds the lease. */
class LauncherLeaderTest extends ConsoleCapture {
  @TempDir Path dir;

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
  void inKubernetesThereIsNoDatabaseElection() throws Exception {
    StateDatabase db = StateDatabase.open("jdbc:sqlite:" + dir.resolve("s.db"), Map.of());
    try (LeaderElection k8s =
        LauncherCommand.leaderElection(
            "m", db, Duration.ofSeconds(30), Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"))) {
      assertThat(k8s).isNotInstanceOf(DatabaseLeaderElection.class);
      assertThat(k8s.awaitLeadership(Duration.ZERO)).isTrue();
    }
    try (LeaderElection local =
        LauncherCommand.leaderElection("m", db, Duration.ofSeconds(30), Map.of())) {
      assertThat(local).isInstanceOf(DatabaseLeaderElection.class);
      assertThat(((DatabaseLeaderElection) local).lease().name()).isEqualTo("launcher/m");
      assertThat(local.awaitLeadership(Duration.ofSeconds(5))).isTrue();
    }
  }
}
