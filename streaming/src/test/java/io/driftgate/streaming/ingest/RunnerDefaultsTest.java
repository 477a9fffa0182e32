package io.driftgate.streaming.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunnerDefaultsTest {

  private static List<String> defaults(String... args) {
    return Arrays.asList(RunnerDefaults.withDefaults(args));
  }

  @Test
  void theEmbeddedClusterRunsWithoutEngineMetricsAndItsOwnRestartAndStateSettings() {
    List<String> args = defaults();
    assertThat(args)
        .contains("--runner=FlinkRunner", "--flinkMaster=[local]", "--disableMetrics=true")
        .anyMatch(a -> a.startsWith("--flinkConfDir="))
        .anyMatch(a -> a.startsWith("--stateBackendStoragePath="));
  }

  @Test
  void theEmbeddedClusterTakesHalfTheCoresAClusterEveryCoreAndACallerWhatItSays() {
    int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
    assertThat(defaults()).contains("--parallelism=" + Math.max(1, cores / 2));
    assertThat(defaults("--flinkMaster=jobmanager:8081")).contains("--parallelism=" + cores);
    assertThat(defaults("--parallelism=3"))
        .contains("--parallelism=3")
        .filteredOn(a -> a.startsWith("--parallelism="))
        .hasSize(1);
  }

  @Test
  void aCallerCanTurnTheEngineCountersBackOn() {
    List<String> args = defaults("--disableMetrics=false");
    assertThat(args).contains("--disableMetrics=false").doesNotContain("--disableMetrics=true");
  }

  @Test
  void aClusterEnvironmentKeepsItsOwnConfigurationAndMetrics() {
    // The FlinkDeployment passes [auto]: its flinkConfiguration decides restarts and state, and
    // Flink's Prometheus reporter needs the Beam counters.
    for (String master : List.of("--flinkMaster=[auto]", "--flinkMaster=jobmanager:8081")) {
      List<String> args = defaults(master);
      assertThat(args)
          .as(master)
          .contains(master)
          .doesNotContain("--flinkMaster=[local]")
          .noneMatch(a -> a.startsWith("--disableMetrics="))
          .noneMatch(a -> a.startsWith("--flinkConfDir="))
          .noneMatch(a -> a.startsWith("--stateBackend"));
      assertThat(RunnerDefaults.isLocal(args.toArray(String[]::new))).as(master).isFalse();
    }
    assertThat(RunnerDefaults.isLocal(new String[0])).isTrue();
    assertThat(RunnerDefaults.isLocal(new String[] {"--flinkMaster=[local]"})).isTrue();
  }

  @Test
  void anotherRunnerGetsNoFlinkSettings() {
    List<String> args = defaults("--runner=DirectRunner");
    assertThat(args)
        .contains("--runner=DirectRunner")
        .noneMatch(a -> a.startsWith("--flinkMaster="))
        .noneMatch(a -> a.startsWith("--disableMetrics="));
  }
}
