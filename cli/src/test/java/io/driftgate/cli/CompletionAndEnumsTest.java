package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.drift.metrics.DriftMetric;
import io.driftgate.core.spec.LauncherConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftgate completion} and the typed enum options. */
class CompletionAndEnumsTest extends ConsoleCapture {
  @TempDir Path dir;

  @Test
  void completionPrintsABashScriptWithSubcommandsOptionsAndEnumValues() {
    assertThat(Main.execute("completion")).isEqualTo(Main.EXIT_OK);
    String script = stdout();
    assertThat(script)
        .startsWith("#!/usr/bin/env bash")
        .contains("complete -F _complete_driftgate", "driftgate")
        // subcommands, nested ones and their options
        .contains("lake", "runs", "models", "monitor", "completion", "maintain", "--fail-on-drift")
        // enum candidates in the spelling the converters accept
        .contains("jensen_shannon", "chi_squared", "gradual", "katib");
    assertThat(stderr()).isEmpty();
  }

  @Test
  void aBadEnumValueIsAUsageErrorListingTheCandidates() {
    int code =
        Main.execute(
            "produce", "--spec", dir.resolve("none.yaml").toString(), "--drift-mode", "sudden");
    assertThat(code).isEqualTo(Main.EXIT_USAGE);
    assertThat(stderr())
        .contains("Invalid value for option '--drift-mode'", "[abrupt, gradual]", "'sudden'")
        .doesNotContain("\tat ");
  }

  @Test
  void enumValuesAreReadInAnyCase() throws Exception {
    CliEnums.converter(DriftMetric.class).convert("Jensen_Shannon");
    assertThat(CliEnums.converter(DriftMetric.class).convert("jensen-shannon"))
        .isEqualTo(DriftMetric.JENSEN_SHANNON);
    assertThat(CliEnums.converter(LauncherConfig.Backend.class).convert("KATIB"))
        .isEqualTo(LauncherConfig.Backend.KATIB);
    var parsed =
        Main.commandLine()
            .parseArgs("launcher", "--backend", "kubernetes", "--leader-election", "none");
    LauncherCommand launcher = (LauncherCommand) parsed.subcommand().commandSpec().userObject();
    assertThat(launcher.backend).isEqualTo(LauncherConfig.Backend.KUBERNETES);
    assertThat(launcher.leaderElection)
        .isEqualTo(io.driftgate.launcher.LauncherLoop.LeaderKind.NONE);
  }

  @Test
  void helpShowsTheLowerCaseCandidates() {
    assertThat(Main.execute("drift", "--help")).isZero();
    assertThat(stdout().replaceAll("\\s+", " "))
        .contains("psi, jensen_shannon, linf, ks, wasserstein, chi_squared");
  }
}
