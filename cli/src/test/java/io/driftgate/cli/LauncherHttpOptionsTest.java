package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RunMachine;
import io.driftgate.core.run.RunPolicy;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.launcher.GateStep;
import io.driftgate.launcher.Launcher;
import io.driftgate.launcher.LauncherHttp;
import io.driftgate.launcher.LocalBackend;
import io.driftgate.launcher.TuningStep;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code driftgate launcher}'s endpoint options (where it listens, who may use it) and {@code
 * driftgate runs} with a token.
 */
class LauncherHttpOptionsTest extends ConsoleCapture {
  static final String TOKEN = "cli-test-token-0123456789";

  @TempDir Path dir;
  final CountDownLatch started = new CountDownLatch(1);
  Launcher launcher;
  LauncherHttp http;

  @BeforeEach
  void launcher() throws Exception {
    TuningStep blocking =
        (run, attempt) -> {
          started.countDown();
          Thread.sleep(60_000);
          return new TuningStep.Result(Map.of(), 0, "/m", null);
        };
    Clock clock = Clock.systemUTC();
    launcher =
        Launcher.builder()
            .setModel(RunsCancelTest.MODEL)
            .setStore(
                new JdbcRunStore(
                    StateDatabase.open("jdbc:sqlite:" + dir.resolve("state.db"), Map.of())))
            .setMachine(new RunMachine(RunPolicy.of(LauncherConfig.defaults()), clock))
            .setBackend(
                new LocalBackend(
                    blocking, (run, m, claim) -> new GateStep.Verdict(true, "v1", "ok"), 2))
            .optMaxInFlight(2)
            .optClock(clock)
            .optTickInterval(Duration.ofMillis(50))
            .build();
    launcher.start();
  }

  @AfterEach
  void stop() {
    if (http != null) {
      http.close();
    }
    launcher.close();
  }

  /** The endpoint options of {@code driftgate launcher ARGS}. */
  static LauncherHttpOptions options(String... args) {
    LauncherCommand command = new LauncherCommand();
    new CommandLine(command).parseArgs(args);
    return command.httpOptions;
  }

  LauncherHttp start(String... args) throws Exception {
    http =
        options(args)
            .start(
                launcher,
                0,
                () -> true,
                () -> {
                  throw new AssertionError("no Kubernetes client wanted");
                });
    return http;
  }

  static Optional<InetAddress> nonLoopbackAddress() throws Exception {
    for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!i.isUp() || i.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(i.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }

  static boolean connects(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 2_000);
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  @Test
  void byDefaultTheEndpointListensOnLoopbackOnly() throws Exception {
    assertThat(options().host).isEqualTo("127.0.0.1");
    start();
    assertThat(http.loopback()).isTrue();
    assertThat(http.localUri().getHost()).isEqualTo("127.0.0.1");
    assertThat(connects(InetAddress.getLoopbackAddress(), http.port())).isTrue();
    Optional<InetAddress> other = nonLoopbackAddress();
    assumeTrue(other.isPresent(), "this machine has no non-loopback IPv4 address");
    assertThat(connects(other.get(), http.port())).as("reachable on %s", other.get()).isFalse();
    assertThat(stderr()).doesNotContain("WARNING");
  }

  @Test
  void listeningOnEveryInterfaceWithoutAuthenticationIsWarnedAbout() throws Exception {
    start("--listen", "0.0.0.0");
    assertThat(http.loopback()).isFalse();
    Optional<InetAddress> other = nonLoopbackAddress();
    if (other.isPresent()) {
      assertThat(connects(other.get(), http.port())).isTrue();
    }
    assertThat(stderr())
        .contains(
            "WARNING: the launcher endpoint listens on 0.0.0.0:" + http.port(),
            "without authentication",
            "--http-token-file");
  }

  @Test
  void withATokenFileNoWarningAndTheRunsCommandsSendTheToken() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    start("--http-host", "0.0.0.0", "--http-token-file", token.toString());
    assertThat(http.authenticated()).isTrue();
    assertThat(stderr()).doesNotContain("WARNING");
    assertThat(stdout()).contains("http endpoint authentication: the bearer token in " + token);

    assertThat(launcher.accept(RunsCancelTest.request("k1"))).isTrue();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    String url = http.localUri().toString();

    // Without the token: a clear error that says what to give, and nothing cancelled.
    assertThat(Main.execute("runs", "cancel", "k1", "--launcher", url)).isEqualTo(2);
    assertThat(stderr())
        .contains("answered 401", "authentication required", "give --launcher-token-file");
    assertThat(Main.execute("runs", "list", "--launcher", url)).isEqualTo(2);
    Path wrong = Files.writeString(dir.resolve("wrong"), "not-the-token-at-all-xyz");
    assertThat(
            Main.execute(
                "runs",
                "cancel",
                "k1",
                "--launcher",
                url,
                "--launcher-token-file",
                wrong.toString()))
        .isEqualTo(2);
    assertThat(stderr()).contains("answered 403", "is not accepted");
    assertThat(launcher.run("k1").orElseThrow().state()).isEqualTo(RunState.TUNING);

    // With it: list and cancel go through.
    assertThat(
            Main.execute(
                "runs", "list", "--launcher", url, "--launcher-token-file", token.toString()))
        .isZero();
    assertThat(stdout()).contains("k1");
    assertThat(
            Main.execute(
                "runs",
                "cancel",
                "k1",
                "--launcher",
                url,
                "--launcher-token-file",
                token.toString()))
        .isZero();
    assertThat(stdout()).contains("run k1: TUNING -> CANCELLED by the launcher at " + url);
    assertThat(launcher.run("k1").orElseThrow().state()).isEqualTo(RunState.CANCELLED);
  }

  @Test
  void tokenOptionsThatCannotWorkAreErrors() throws Exception {
    Path shortToken = Files.writeString(dir.resolve("short"), "abc");
    assertThatThrownBy(() -> start("--http-token-file", shortToken.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--http-token-file: ")
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> start("--http-token-review"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--http-allow");
    assertThatThrownBy(() -> start("--http-allow", "system:serviceaccounts:driftgate"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--http-token-review, which is not set");
  }
}
