package io.driftgate.launcher;

import static io.driftgate.launcher.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.LauncherConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.MDC;

/** The run key, model and step are in the logging context while a step runs, and only then. */
class RunMdcTest {
  @TempDir Path dir;

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void stepsRunWithTheirRunInTheMdc() throws Exception {
    Map<String, Map<String, String>> seen = new ConcurrentHashMap<>();
    TuningStep tuning =
        (run, attempt) -> {
          seen.put("tune " + run.key(), MDC.getCopyOfContextMap());
          return new TuningStep.Result(Map.of(), 0, "/m/" + run.key(), null);
        };
    GateStep gate =
        (run, modelDir, claim) -> {
          seen.put("gate " + run.key(), MDC.getCopyOfContextMap());
          return new GateStep.Verdict(true, "v1", "ok");
        };
    LauncherConfig config = LauncherConfig.parse(Map.of("maxAttempts", 1));
    // One worker thread: the second run's steps run where the first one's did.
    try (Launcher l =
        Fixtures.launcher(Fixtures.store(dir), new LocalBackend(tuning, gate, 1), config, 1)) {
      l.start();
      l.accept(request("k-1"));
      l.accept(request("k-2"));
      assertThat(l.awaitAllTerminal(Duration.ofSeconds(20))).isTrue();
      assertThat(l.run("k-2").orElseThrow().state()).isEqualTo(RunState.PROMOTED);
    }
    for (String key : new String[] {"k-1", "k-2"}) {
      assertThat(seen.get("tune " + key))
          .containsEntry("run", key)
          .containsEntry("model", Fixtures.MODEL)
          .containsEntry("step", "tune");
      assertThat(seen.get("gate " + key)).containsEntry("run", key).containsEntry("step", "gate");
    }
  }

  @Test
  void closingRestoresWhatTheThreadHadBefore() {
    RetrainRun run =
        RetrainRun.requested("k-9", Fixtures.MODEL, RunRequest.from(request("k-9")), Instant.now());
    MDC.put("run", "outer");
    try (RunMdc outer = RunMdc.of(run)) {
      assertThat(MDC.get("run")).isEqualTo("k-9");
      assertThat(MDC.get("step")).isEqualTo("requested");
      try (RunMdc inner = RunMdc.of(run, "gate")) {
        assertThat(MDC.get("step")).isEqualTo("gate");
      }
      assertThat(MDC.get("step")).isEqualTo("requested");
    }
    assertThat(MDC.get("run")).isEqualTo("outer");
    assertThat(MDC.get("model")).isNull();
    assertThat(MDC.get("step")).isNull();
  }
}
