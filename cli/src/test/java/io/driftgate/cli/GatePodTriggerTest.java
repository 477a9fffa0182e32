package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.report.DriftEvidence;
import io.driftgate.core.state.ArtifactStore;
import io.driftgate.gate.TriggerEvidence;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gate pod's report names the trigger the launcher left beside its decision key. */
class GatePodTriggerTest {
  @TempDir Path dir;

  private static final String GATE = "runs/flight-delay/k1/gate-1";

  @Test
  void theTriggerAndItsPageBesideTheDecisionBecomeTheReportsLink() {
    try (ArtifactStore store = ArtifactStore.open(dir.toString())) {
      store.put(
          GATE + "/" + DriftEvidence.PAGE_OBJECT,
          "<html>history</html>".getBytes(StandardCharsets.UTF_8));
      store.put(
          GATE + "/" + DriftEvidence.OBJECT,
          new DriftEvidence("k1", List.of("drift"), List.of("r3", "r4")).toJson());

      TriggerEvidence t = GateCommand.trigger(store, GATE);

      assertThat(t.runKey()).isEqualTo("k1");
      assertThat(t.reasons()).containsExactly("drift");
      assertThat(t.driftReportIds()).containsExactly("r3", "r4");
      // relative to report.html, which the pod stores beside it
      assertThat(t.link()).isEqualTo("drift-evidence.html");
    }
  }

  @Test
  void aTriggerWithoutAPageHasNoLinkAndNoTriggerIsNone() {
    try (ArtifactStore store = ArtifactStore.open(dir.toString())) {
      assertThat(GateCommand.trigger(store, GATE)).isNull();
      store.put(
          GATE + "/" + DriftEvidence.OBJECT,
          new DriftEvidence("k1", List.of("schedule"), List.of()).toJson());
      TriggerEvidence t = GateCommand.trigger(store, GATE);
      assertThat(t.reasons()).containsExactly("schedule");
      assertThat(t.driftReportIds()).isEmpty();
      assertThat(t.link()).isNull();
    }
  }
}
