package io.driftgate.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.dataset.DatasetFiles;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.ProfileBuilder;
import io.driftgate.core.drift.profile.ProfiledFeature;
import io.driftgate.core.ingest.CleanResult;
import io.driftgate.core.ingest.RecordCleaner;
import io.driftgate.core.ingest.SourceRef;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.TestSpecs;
import io.driftgate.core.testing.StateBackend;
import io.driftgate.core.wire.DecodeException;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.FlightStreamGenerator;
import io.driftgate.testkit.generate.GeneratedRecord;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor's decisions on generated windows: reference, reports, one request, replay. */
class DriftMonitorTest {
  static final ModelSpec SPEC = TestSpecs.example();
  static final long WINDOW = SPEC.drift().window().toMillis();

  @TempDir Path lake;

  record Window(Instant start, Instant end, DatasetProfile profile) {}

  /** Valid rows of a generated stream, profiled per event-time window (as the pipeline does). */
  static List<Window> windows(GeneratorConfig config) throws DecodeException {
    FlightStreamGenerator gen = new FlightStreamGenerator(config);
    RecordCleaner cleaner = new RecordCleaner(SPEC);
    List<ProfiledFeature> features = DatasetFiles.features(SPEC);
    Map<Long, ProfileBuilder> byWindow = new java.util.TreeMap<>();
    long offset = 0;
    while (gen.hasNext()) {
      GeneratedRecord g = gen.next();
      offset++;
      if (!g.valid()) {
        continue;
      }
      GenericRecord decoded = gen.decoder().decode(g.value());
      if (cleaner.clean(decoded, new SourceRef("t", 0, offset, g.eventTimeMillis()))
          instanceof CleanResult.Accepted a) {
        Map<String, Object> row = new HashMap<>();
        for (ProfiledFeature f : features) {
          Object v = a.row().get(f.name());
          row.put(f.name(), v instanceof CharSequence cs ? cs.toString() : v);
        }
        long start = Math.floorDiv(g.eventTimeMillis(), WINDOW) * WINDOW;
        byWindow.computeIfAbsent(start, k -> new ProfileBuilder(features)).accept(row);
      }
    }
    List<Window> out = new ArrayList<>();
    byWindow.forEach(
        (start, b) ->
            out.add(
                new Window(
                    Instant.ofEpochMilli(start), Instant.ofEpochMilli(start + WINDOW), b.build())));
    // The last window is partial; the pipeline closes it at the end too.
    return out;
  }

  static GeneratorConfig stream(long seed, DriftConfig drift) {
    return GeneratorConfig.builder()
        .seed(seed)
        .count(60_000)
        .startTimeMillis(1767571200000L)
        .eventSpacingMillis(1000)
        .malformedFraction(0.01)
        .drift(drift)
        .build();
  }

  static List<DriftMonitor.Outcome> run(DriftMonitor m, List<Window> ws) {
    List<DriftMonitor.Outcome> out = new ArrayList<>();
    for (Window w : ws) {
      out.add(m.onWindow(w.start(), w.end(), w.profile()));
    }
    return out;
  }

  @Test
  void stationaryStreamReportsEveryWindowAndRequestsNothing() throws Exception {
    List<Window> ws = windows(stream(1, null));
    List<DriftMonitor.Outcome> out = run(new DriftMonitor(SPEC, MonitorState.initial()), ws);
    long referenceWindows = out.stream().filter(DriftMonitor.Outcome::referenceWindow).count();
    long reports = out.stream().filter(o -> o.report().isPresent()).count();
    // The first 20k valid records (about 11 windows of 30 min at 1 record/s) are the reference.
    assertThat(referenceWindows).isBetween(11L, 12L);
    assertThat(reports).isEqualTo(ws.size() - referenceWindows);
    assertThat(out).allMatch(o -> o.request().isEmpty());
  }

  @Test
  void abruptDriftGivesExactlyOneRequestWithEvidence() throws Exception {
    List<Window> ws = windows(stream(2, DriftConfig.abrupt(40_000, 1.0, 1.0)));
    List<DriftMonitor.Outcome> out = run(new DriftMonitor(SPEC, MonitorState.initial()), ws);
    List<RetrainRequest> requests = out.stream().flatMap(o -> o.request().stream()).toList();
    assertThat(requests).hasSize(1);
    RetrainRequest r = requests.get(0);
    Instant onset = Instant.ofEpochMilli(1767571200000L + 40_000L * 1000);
    // Hysteresis: two drifted windows after the onset, so the trigger is the 2nd or 3rd window.
    assertThat(r.getTriggerWindowEnd()).isAfter(onset);
    assertThat(r.getTriggerWindowEnd()).isBeforeOrEqualTo(onset.plusMillis(3 * WINDOW));
    assertThat(r.getReasons()).isNotEmpty();
    assertThat(r.getEvidenceReportIds()).hasSize(SPEC.drift().consecutiveWindows());
    assertThat(r.getIdempotencyKey()).isNotBlank();
    // Later drifted windows are suppressed: one run is in flight and maxInFlight is 1.
    assertThat(out.stream().flatMap(o -> o.decision().stream()).filter(d -> d.isSuppressed()))
        .isNotEmpty();
  }

  @Test
  void replayAndResumeGiveTheSameKeys() throws Exception {
    List<Window> ws = windows(stream(3, DriftConfig.abrupt(40_000, 1.0, 1.0)));
    List<String> once = keys(run(new DriftMonitor(SPEC, MonitorState.initial()), ws));
    List<String> again = keys(run(new DriftMonitor(SPEC, MonitorState.initial()), ws));
    assertThat(once).isNotEmpty().isEqualTo(again);

    // Stop half-way, persist through the state database, resume in a new monitor.
    MonitorStore store = MonitorStore.open(StateBackend.SQLITE.spec(lake), SPEC.model());
    DriftMonitor first = new DriftMonitor(SPEC, MonitorState.initial());
    List<DriftMonitor.Outcome> part = new ArrayList<>(run(first, ws.subList(0, 25)));
    store.save(first.state());
    DriftMonitor resumed = new DriftMonitor(SPEC, store.load());
    part.addAll(run(resumed, ws.subList(25, ws.size())));
    assertThat(keys(part)).isEqualTo(once);
    // Re-delivered windows after a resume are reported as late and never move the policy.
    DriftMonitor.Outcome redelivered =
        resumed.onWindow(ws.get(30).start(), ws.get(30).end(), ws.get(30).profile());
    assertThat(redelivered.request()).isEmpty();
    assertThat(redelivered.report().orElseThrow().getReportId()).contains("-late-");
  }

  @Test
  void storeRoundTripsReportsAndRequests() throws Exception {
    List<Window> ws = windows(stream(4, DriftConfig.abrupt(40_000, 1.0, 1.0)));
    MonitorStore store = MonitorStore.open(StateBackend.SQLITE.spec(lake), SPEC.model());
    for (DriftMonitor.Outcome o : run(new DriftMonitor(SPEC, MonitorState.initial()), ws)) {
      o.report().ifPresent(store::writeReport);
      o.request().ifPresent(store::writeRequest);
    }
    assertThat(store.reports()).hasSizeGreaterThan(10);
    assertThat(store.reports().get(0).getWindowStart())
        .isBefore(store.reports().get(1).getWindowStart());
    assertThat(store.requests()).hasSize(1);
    // What the monitor produced reads back as it was (Avro JSON in the database).
    List<DriftMonitor.Outcome> again = run(new DriftMonitor(SPEC, MonitorState.initial()), ws);
    assertThat(store.requests())
        .containsExactlyElementsOf(again.stream().flatMap(o -> o.request().stream()).toList());
    assertThat(store.reports())
        .containsExactlyElementsOf(again.stream().flatMap(o -> o.report().stream()).toList());
  }

  private static List<String> keys(List<DriftMonitor.Outcome> out) {
    return out.stream()
        .flatMap(o -> o.request().stream())
        .map(RetrainRequest::getIdempotencyKey)
        .toList();
  }
}
