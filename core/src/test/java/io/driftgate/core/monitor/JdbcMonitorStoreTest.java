package io.driftgate.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.StaleStateException;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.core.state.StateStoreException;
import io.driftgate.core.testing.MutableClock;
import io.driftgate.core.testing.StateBackend;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.FeatureDrift;
import io.driftgate.schemas.RetrainRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link JdbcMonitorStore} on every state database backend. */
class JdbcMonitorStoreTest {
  static final String MODEL = "flight-delay";
  static final Instant T0 = Instant.parse("2026-01-05T06:00:00Z");

  @TempDir Path dir;
  final MutableClock clock = new MutableClock(Instant.parse("2026-01-06T00:00:00Z"));

  JdbcMonitorStore store(StateSpec spec, String model) {
    return new JdbcMonitorStore(StateDatabase.open(spec), model, clock);
  }

  static DriftReport report(String id, Instant start, double share) {
    return DriftReport.newBuilder()
        .setReportId(id)
        .setModel(MODEL)
        .setWindowStart(start)
        .setWindowEnd(start.plus(Duration.ofMinutes(10)))
        .setReferenceId("first-20000-records")
        .setRowCount(1778)
        .setReferenceRowCount(20_000)
        .setDriftedShare(share)
        .setFeatures(
            List.of(
                FeatureDrift.newBuilder()
                    .setName("dep_delay_min")
                    .setMetric("wasserstein")
                    .setScore(0.25)
                    .setThreshold(0.1)
                    .setPValue(null)
                    .setDrifted(true)
                    .setNullRate(0.01)
                    .setReferenceNullRate(0.0)
                    .build(),
                FeatureDrift.newBuilder()
                    .setName("weather")
                    .setMetric("ks")
                    .setScore(0.04)
                    .setThreshold(0.05)
                    .setPValue(0.2)
                    .setDrifted(false)
                    .setNullRate(0.0)
                    .setReferenceNullRate(0.0)
                    .build()))
        .build();
  }

  static RetrainRequest request(String model, String key, Instant trigger) {
    return RetrainRequest.newBuilder()
        .setIdempotencyKey(key)
        .setModel(model)
        .setReasons(List.of("drift"))
        .setEvidenceReportIds(List.of(model + "@" + trigger))
        .setTriggerWindowEnd(trigger)
        .setDataFrom(T0)
        .setDataTo(trigger)
        .setValidRecordsSinceLastRun(32_400L)
        .setRequestedAt(trigger)
        .build();
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void stateRoundTripsPerModelAndResumesAfterReopening(StateBackend backend) {
    StateSpec spec = backend.spec(dir);
    JdbcMonitorStore store = store(spec, MODEL);
    assertThat(store.load()).isEqualTo(MonitorState.initial()).satisfies(this::initial);
    byte[] reference = {0, 1, 2, (byte) 0xff, 42};
    MonitorState s = new MonitorState(reference, true, "first-20000", "{\"p\":1}", 17, 1_000_000);
    store.save(s);
    MonitorState next =
        new MonitorState(reference, true, "first-20000", "{\"p\":2}", 18, 2_000)
            .withPerformanceState("{\"detector\":\"adwin\"}");
    store.save(next);

    MonitorState read = store(spec, MODEL).load();
    assertThat(read.reference()).isEqualTo(reference);
    assertThat(read.referenceComplete()).isTrue();
    assertThat(read.referenceId()).isEqualTo("first-20000");
    assertThat(read.policyStateJson()).isEqualTo("{\"p\":2}");
    assertThat(read.windows()).isEqualTo(18);
    assertThat(read.lastWindowEnd()).isEqualTo(2_000);
    assertThat(read.performanceStateJson()).isEqualTo("{\"detector\":\"adwin\"}");
    // Another model's monitor has its own row.
    JdbcMonitorStore other = store(spec, "other-model");
    other.load();
    other.save(MonitorState.initial());
    assertThat(store(spec, "other-model").load().windows()).isZero();
    assertThat(store(spec, MODEL).load().windows()).isEqualTo(18);
    // A state without a reference keeps its nulls.
    JdbcMonitorStore third = store(spec, "third");
    third.save(new MonitorState(null, false, null, null, 3, 5));
    MonitorState nulls = store(spec, "third").load();
    assertThat(nulls.reference()).isNull();
    assertThat(nulls.referenceId()).isNull();
    assertThat(nulls.policyStateJson()).isNull();
    assertThat(nulls.windows()).isEqualTo(3);
  }

  private void initial(MonitorState s) {
    assertThat(s.reference()).isNull();
    assertThat(s.windows()).isZero();
    assertThat(s.lastWindowEnd()).isZero();
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void aSecondMonitorOfOneModelCannotOverwriteTheFirstsState(StateBackend backend) {
    StateSpec spec = backend.spec(dir);
    JdbcMonitorStore first = store(spec, MODEL);
    JdbcMonitorStore second = store(spec, MODEL);
    first.load();
    second.load(); // both found none
    first.save(new MonitorState(null, false, null, null, 1, 100));
    assertThatThrownBy(() -> second.save(new MonitorState(null, false, null, null, 9, 900)))
        .isInstanceOf(StaleStateException.class)
        .hasMessageContaining("second pipeline monitoring " + MODEL);
    first.save(new MonitorState(null, false, null, null, 2, 200));
    assertThat(second.load().windows()).isEqualTo(2);
    second.save(new MonitorState(null, false, null, null, 3, 300));
    assertThatThrownBy(() -> first.save(new MonitorState(null, false, null, null, 3, 300)))
        .isInstanceOf(StaleStateException.class)
        .hasMessageContaining("read version 2");
    // A store that never loaded does not overwrite a stored state.
    assertThatThrownBy(() -> store(spec, MODEL).save(MonitorState.initial()))
        .isInstanceOf(StaleStateException.class);
    assertThat(store(spec, MODEL).load().lastWindowEnd()).isEqualTo(300);
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void requestsAreAnAppendOnlyLogInTheOrderWritten(StateBackend backend) {
    StateSpec spec = backend.spec(dir);
    JdbcMonitorStore store = store(spec, MODEL);
    RetrainRequest b = request(MODEL, "b-key", T0.plusSeconds(7200));
    RetrainRequest a = request(MODEL, "a-key", T0.plusSeconds(3600));
    RetrainRequest c = request(MODEL, "c-key", T0.plusSeconds(600));
    assertThat(store.writeRequest(b)).isTrue();
    clock.advance(Duration.ofSeconds(5));
    assertThat(store.writeRequest(a)).isTrue();
    clock.advance(Duration.ofSeconds(5));
    assertThat(store.writeRequest(c)).isTrue();
    assertThat(store(spec, "other").writeRequest(request("other", "o-key", T0))).isTrue();
    // A replay (same key) appends nothing and keeps the first record.
    RetrainRequest replay = RetrainRequest.newBuilder(a).setReasons(List.of("volume")).build();
    assertThat(store.writeRequest(replay)).isFalse();

    List<MonitorStore.Written<RetrainRequest>> log = store(spec, MODEL).requestLog();
    assertThat(log).extracting(MonitorStore.Written::value).containsExactly(b, a, c);
    assertThat(log)
        .extracting(MonitorStore.Written::writtenAt)
        .containsExactly(
            Instant.parse("2026-01-06T00:00:00Z"),
            Instant.parse("2026-01-06T00:00:05Z"),
            Instant.parse("2026-01-06T00:00:10Z"));
    assertThat(store.requests()).containsExactly(b, a, c);
    assertThat(store(spec, "other").requests())
        .extracting(RetrainRequest::getIdempotencyKey)
        .containsExactly("o-key");
    // The table refuses edits.
    assertThatThrownBy(
            () ->
                store
                    .database()
                    .transaction(
                        conn ->
                            conn.createStatement()
                                .executeUpdate(
                                    "UPDATE dg_retrain_requests SET body = '{}'"
                                        + " WHERE idempotency_key = 'a-key'")))
        .isInstanceOf(StateStoreException.class)
        .hasMessageContaining("append-only");
    assertThat(store.requests()).containsExactly(b, a, c);
    assertThatThrownBy(() -> store.writeRequest(request("other", "x", T0)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void reportsAreInWindowOrderAndAReplayedWindowReplacesItsReport(StateBackend backend) {
    StateSpec spec = backend.spec(dir);
    JdbcMonitorStore store = store(spec, MODEL);
    Instant w1 = T0;
    Instant w2 = T0.plus(Duration.ofMinutes(10));
    DriftReport second = report(MODEL + "@" + w2, w2, 0.2);
    DriftReport first = report(MODEL + "@" + w1, w1, 0.1);
    DriftReport late = report(MODEL + "@" + w1 + "-late-12", w1, 0.3);
    store.writeReport(second);
    clock.advance(Duration.ofSeconds(1));
    store.writeReport(late);
    clock.advance(Duration.ofSeconds(1));
    store.writeReport(first);
    assertThat(store(spec, MODEL).reports()).containsExactly(first, late, second);

    // A replayed window: the report is rewritten, still one row, first written time kept.
    clock.advance(Duration.ofSeconds(1));
    DriftReport replayed = report(MODEL + "@" + w2, w2, 0.6);
    store.writeReport(replayed);
    List<MonitorStore.Written<DriftReport>> log = store(spec, MODEL).reportLog();
    assertThat(log).extracting(MonitorStore.Written::value).containsExactly(first, late, replayed);
    assertThat(log.get(2).writtenAt()).isEqualTo(Instant.parse("2026-01-06T00:00:00Z"));
    assertThat(log.get(2).value().getFeatures().get(0).getPValue()).isNull();
    assertThat(log.get(2).value().getFeatures().get(1).getPValue()).isEqualTo(0.2);
    assertThat(store(spec, "other").reports()).isEmpty();
    assertThatThrownBy(() -> store(spec, "other").writeReport(first))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void aBundlesReportsAreOneWriteAndALaterRevisionInItWins(StateBackend backend) {
    StateSpec spec = backend.spec(dir);
    JdbcMonitorStore store = store(spec, MODEL);
    Instant w1 = T0;
    Instant w2 = T0.plus(Duration.ofMinutes(10));
    DriftReport first = report(MODEL + "@" + w1, w1, 0.1);
    DriftReport second = report(MODEL + "@" + w2, w2, 0.2);
    DriftReport revised = report(MODEL + "@" + w1, w1, 0.4);
    store.writeReports(List.of(second, first, revised));
    assertThat(store(spec, MODEL).reports()).containsExactly(revised, second);
    store.writeReports(List.of());
    assertThat(store(spec, MODEL).reports()).hasSize(2);

    // One report of another model: the whole list is refused before anything is written.
    DriftReport w3 = report(MODEL + "@" + T0.plus(Duration.ofMinutes(20)), T0, 0.3);
    DriftReport foreign = report("other@" + T0, T0, 0.3);
    foreign.setModel("other");
    assertThatThrownBy(() -> store.writeReports(List.of(w3, foreign)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is of model other");
    assertThat(store(spec, MODEL).reports()).containsExactly(revised, second);
  }

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void openUsesTheSpecsDatabase(StateBackend backend) {
    StateSpec spec = backend.spec(dir);
    MonitorStore store = MonitorStore.open(spec, MODEL);
    assertThat(store.model()).isEqualTo(MODEL);
    store.load();
    store.save(new MonitorState(null, false, null, null, 4, 44));
    assertThat(MonitorStore.open(spec, MODEL).load().lastWindowEnd()).isEqualTo(44);
  }
}
