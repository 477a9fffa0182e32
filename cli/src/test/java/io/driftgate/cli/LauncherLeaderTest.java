package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.DatabaseLease;
import io.driftgate.core.state.StateDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftgate launcher} runs requests only while it holds the lease (the election's kinds: the
 * launcher module's LauncherLoopTest).
 */
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
}
