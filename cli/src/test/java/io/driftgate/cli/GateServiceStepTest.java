package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunRequest;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.gate.TriggerEvidence;
import io.driftgate.launcher.GateServiceStep;
import io.driftgate.schemas.RetrainRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's gate step names the run's trigger and writes the drift evidence it links to. */
class GateServiceStepTest {
  private static final Instant T0 = Instant.parse("2026-01-05T00:00:00Z");

  @TempDir Path dir;

  @Test
  void aDriftTriggeredRunLinksToTheMonitorsHistoryWrittenNextToItsReport() throws Exception {
    Path spec = dir.resolve("driftgate.yaml");
    Files.writeString(spec, TinyLake.specFor(dir.resolve("lake")));
    ModelSpec s = SpecLoader.load(spec);
    MonitorStore store = MonitorStore.open(s.state(), s.model());
    for (int w = 0; w < 4; w++) {
      store.writeReport(DriftReportCommandsTest.report(s.model(), w, w >= 2));
    }
    String key = s.model() + "@drift@w3";
    Instant trigger = T0.plus(Duration.ofMinutes(40));
    store.writeRequest(
        RetrainRequest.newBuilder()
            .setIdempotencyKey(key)
            .setModel(s.model())
            .setReasons(List.of("drift"))
            .setEvidenceReportIds(List.of("r2", "r3"))
            .setTriggerWindowEnd(trigger)
            .setDataFrom(T0)
            .setDataTo(trigger)
            .setValidRecordsSinceLastRun(4000L)
            .setRequestedAt(trigger)
            .build());
    GateServiceStep step =
        new GateServiceStep(
            spec,
            dir.resolve("lake"),
            JdbcModelRegistry.embedded(dir.resolve("registry")),
            dir.resolve("reports"),
            7,
            100,
            10);

    TriggerEvidence t = step.trigger(run(key, s.model(), "drift"));
    assertThat(t.runKey()).isEqualTo(key);
    assertThat(t.reasons()).containsExactly("drift");
    assertThat(t.driftReportIds()).containsExactly("r2", "r3");
    Path page = step.evidenceFile(key);
    // relative to the gate report, which sits in the same folder
    assertThat(t.link()).isEqualTo(page.getFileName().toString());
    assertThat(page.getParent()).isEqualTo(step.reportFile(key).getParent());
    String html = Files.readString(page);
    assertThat(html).contains("data-windows=\"4\"", "data-request=\"" + key + "\"");

    // a manual request: named, no drift evidence, no page
    TriggerEvidence manual = step.trigger(run("by-hand", s.model(), "manual"));
    assertThat(manual.reasons()).containsExactly("manual");
    assertThat(manual.driftReportIds()).isEmpty();
    assertThat(manual.link()).isNull();
    assertThat(step.evidenceFile("by-hand")).doesNotExist();
  }

  private static RetrainRun run(String key, String model, String reason) {
    Instant now = T0.plus(Duration.ofHours(1));
    return RetrainRun.requested(
        key, model, new RunRequest(List.of(reason), T0, now, null, now, null), now);
  }
}
