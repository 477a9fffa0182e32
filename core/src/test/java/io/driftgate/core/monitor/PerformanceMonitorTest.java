package io.driftgate.core.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.performance.PerformanceEvidence;
import io.driftgate.core.spec.ScoringSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PerformanceMonitorTest {
  static final long WINDOW = 60_000;

  /** A window of n labelled predictions whose error rate is {@code errorRate}. */
  static List<PerformanceMonitor.Labelled> window(
      long start, int n, double errorRate, String version, SplittableRandom rnd) {
    List<PerformanceMonitor.Labelled> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = rnd.nextInt(2);
      boolean wrong = rnd.nextDouble() < errorRate;
      double p = (label == 1) != wrong ? 0.8 : 0.2;
      out.add(new PerformanceMonitor.Labelled(start + i * (WINDOW / n), version, p, label));
    }
    // arrival order is not event-time order
    java.util.Collections.shuffle(out, new java.util.Random(rnd.nextLong()));
    return out;
  }

  @Test
  void aStationaryErrorRateRaisesNothingOverManySeeds() {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom rnd = new SplittableRandom(seed);
      PerformanceMonitor m = new PerformanceMonitor(ScoringSpec.defaults());
      for (int w = 0; w < 30; w++) {
        PerformanceMonitor.Outcome o =
            m.onWindow(
                Instant.ofEpochMilli(w * WINDOW),
                window(w * WINDOW, 200, 0.1, "v1", rnd),
                Map.of("accuracy", 0.9));
        assertThat(o.evidence()).as("seed %d window %d", seed, w).isEmpty();
        assertThat(o.labelled()).isEqualTo(200);
      }
    }
  }

  @Test
  void aWorseErrorRateIsEvidenceWithTheChangePointNearTheFlip() {
    SplittableRandom rnd = new SplittableRandom(3);
    PerformanceMonitor m = new PerformanceMonitor(ScoringSpec.defaults());
    List<Integer> fired = new ArrayList<>();
    PerformanceEvidence first = null;
    for (int w = 0; w < 20; w++) {
      double rate = w < 10 ? 0.1 : 0.5;
      PerformanceMonitor.Outcome o =
          m.onWindow(
              Instant.ofEpochMilli(w * WINDOW),
              window(w * WINDOW, 200, rate, "v1", rnd),
              Map.of("accuracy", 0.9));
      if (o.evidence().isPresent()) {
        fired.add(w);
        first = first == null ? o.evidence().get() : first;
      }
      if (w >= 12) {
        // the windowed check agrees: accuracy's interval lies below validation's 0.9
        assertThat(o.window().orElseThrow().metrics().get("accuracy").degraded()).isTrue();
      }
    }
    assertThat(fired).isNotEmpty();
    assertThat(fired.get(0)).isBetween(10, 11);
    assertThat(first.detector()).isEqualTo("adwin");
    assertThat(first.metric()).isEqualTo("error");
    assertThat(first.after()).isGreaterThan(first.before());
    assertThat(first.changePoint().toEpochMilli()).isBetween(9 * WINDOW, 11 * WINDOW);
  }

  @Test
  void aBetterErrorRateOrANewVersionIsNotEvidence() {
    SplittableRandom rnd = new SplittableRandom(5);
    PerformanceMonitor m = new PerformanceMonitor(ScoringSpec.defaults());
    for (int w = 0; w < 20; w++) {
      // v1 was bad; from window 10 the new champion v2 is much better: a fresh detector, no alarm
      String version = w < 10 ? "v1" : "v2";
      double rate = w < 10 ? 0.4 : 0.05;
      Optional<PerformanceEvidence> e =
          m.onWindow(
                  Instant.ofEpochMilli(w * WINDOW),
                  window(w * WINDOW, 200, rate, version, rnd),
                  Map.of())
              .evidence();
      assertThat(e).as("window %d", w).isEmpty();
    }
    assertThat(m.detector().observations()).isEqualTo(10 * 200);
  }

  @Test
  void pageHinkleyWhenTheSpecAsksForIt() {
    SplittableRandom rnd = new SplittableRandom(7);
    ScoringSpec ph =
        new ScoringSpec(
            true,
            java.time.Duration.ofSeconds(5),
            64,
            0.5,
            "error",
            "page-hinkley",
            Map.of("lambda", "20"));
    PerformanceMonitor m = new PerformanceMonitor(ph);
    Optional<PerformanceEvidence> e = Optional.empty();
    for (int w = 0; w < 20 && e.isEmpty(); w++) {
      e =
          m.onWindow(
                  Instant.ofEpochMilli(w * WINDOW),
                  window(w * WINDOW, 200, w < 10 ? 0.1 : 0.6, "v1", rnd),
                  Map.of())
              .evidence();
    }
    assertThat(e).isPresent();
    assertThat(e.get().detector()).isEqualTo("page-hinkley");
  }

  /**
   * A monitor restored from {@link PerformanceMonitor#exportState()} after a restart decides
   * exactly as the one that never stopped; a monitor that starts afresh relearns the error rate
   * from the drifted windows and misses the change (ADWIN and Page-Hinkley).
   */
  @Test
  void aRestoredMonitorContinuesWhereItStoppedAndAFreshOneRelearns() {
    ScoringSpec ph =
        new ScoringSpec(
            true,
            ScoringSpec.DEFAULT_POLL_INTERVAL,
            ScoringSpec.DEFAULT_BATCH_SIZE,
            ScoringSpec.DEFAULT_THRESHOLD,
            ScoringSpec.ERROR,
            "page-hinkley",
            Map.of());
    for (ScoringSpec spec : List.of(ScoringSpec.defaults(), ph)) {
      SplittableRandom rnd = new SplittableRandom(7);
      List<List<PerformanceMonitor.Labelled>> windows = new ArrayList<>();
      for (int w = 0; w < 20; w++) {
        windows.add(window(w * WINDOW, 200, w < 10 ? 0.1 : 0.5, "v1", rnd));
      }
      PerformanceMonitor running = new PerformanceMonitor(spec);
      for (int w = 0; w < 10; w++) {
        running.onWindow(Instant.ofEpochMilli(w * WINDOW), windows.get(w), Map.of());
      }
      // the restart: state through JSON text, as the monitor store keeps it
      String saved = running.exportState();
      PerformanceMonitor restored = new PerformanceMonitor(spec);
      assertThat(restored.restore(saved)).isTrue();
      assertThat(restored.exportState()).isEqualTo(saved);
      assertThat(restored.version()).isEqualTo("v1");
      PerformanceMonitor fresh = new PerformanceMonitor(spec);
      List<Optional<PerformanceEvidence>> a = new ArrayList<>();
      List<Optional<PerformanceEvidence>> b = new ArrayList<>();
      List<Optional<PerformanceEvidence>> c = new ArrayList<>();
      for (int w = 10; w < 20; w++) {
        Instant at = Instant.ofEpochMilli(w * WINDOW);
        a.add(running.onWindow(at, windows.get(w), Map.of()).evidence());
        b.add(restored.onWindow(at, windows.get(w), Map.of()).evidence());
        c.add(fresh.onWindow(at, windows.get(w), Map.of()).evidence());
      }
      assertThat(b).as(spec.detector()).isEqualTo(a);
      assertThat(a.get(0)).as(spec.detector()).isPresent();
      assertThat(c).as(spec.detector() + " afresh").allMatch(Optional::isEmpty);
      assertThat(restored.detector().observations()).isEqualTo(20 * 200);
    }
  }

  /** A window of a 10-class model: right with probability 1 - errorRate. */
  static List<PerformanceMonitor.Labelled> classWindow(
      long start, int n, double errorRate, String version, SplittableRandom rnd) {
    List<PerformanceMonitor.Labelled> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = rnd.nextInt(10);
      boolean wrong = rnd.nextDouble() < errorRate;
      int predicted = wrong ? (label + 1 + rnd.nextInt(9)) % 10 : label;
      double pTrue = wrong ? 0.1 : 0.7;
      out.add(
          PerformanceMonitor.Labelled.multiclass(
              start + i * (WINDOW / n), version, 10, predicted, pTrue, label));
    }
    return out;
  }

  @Test
  void aMulticlassChampionIsWatchedOnTop1ErrorAndJudgedOnAccuracyAndLogLoss() {
    SplittableRandom rnd = new SplittableRandom(4);
    PerformanceMonitor m = new PerformanceMonitor(ScoringSpec.defaults());
    Map<String, Double> validation = Map.of("accuracy", 0.9, "logloss", 0.56);
    List<Integer> fired = new ArrayList<>();
    for (int w = 0; w < 20; w++) {
      double rate = w < 10 ? 0.1 : 0.5;
      PerformanceMonitor.Outcome o =
          m.onWindow(
              Instant.ofEpochMilli(w * WINDOW),
              classWindow(w * WINDOW, 200, rate, "v1", rnd),
              validation);
      if (o.evidence().isPresent()) {
        fired.add(w);
        // ADWIN places the cut at a bucket boundary, up to a few windows before the flip
        assertThat(o.evidence().get().changePoint().toEpochMilli())
            .isBetween(5 * WINDOW, (w + 1) * WINDOW);
        assertThat(o.evidence().get().metric()).isEqualTo("error");
      }
      var metrics = o.window().orElseThrow().metrics();
      assertThat(metrics).containsOnlyKeys("accuracy", "logloss");
      if (w < 10) {
        assertThat(metrics.get("accuracy").value()).isBetween(0.82, 0.96);
        assertThat(metrics.get("accuracy").degraded()).isFalse();
      } else if (w >= 12) {
        assertThat(metrics.get("accuracy").degraded()).isTrue();
        assertThat(metrics.get("logloss").degraded()).isTrue();
      }
    }
    assertThat(fired).isNotEmpty();
    assertThat(fired.get(0)).isBetween(10, 11);
  }

  @Test
  void stateOfAnotherDetectorIsNotRestored() {
    PerformanceMonitor adwin = new PerformanceMonitor(ScoringSpec.defaults());
    adwin.onWindow(Instant.EPOCH, window(0, 100, 0.1, "v1", new SplittableRandom(1)), Map.of());
    ScoringSpec ph =
        new ScoringSpec(
            true,
            ScoringSpec.DEFAULT_POLL_INTERVAL,
            ScoringSpec.DEFAULT_BATCH_SIZE,
            ScoringSpec.DEFAULT_THRESHOLD,
            ScoringSpec.ERROR,
            "page-hinkley",
            Map.of());
    PerformanceMonitor other = new PerformanceMonitor(ph);
    assertThat(other.restore(adwin.exportState())).isFalse();
    assertThat(other.detector()).isNull();
    assertThat(new PerformanceMonitor(ScoringSpec.defaults()).exportState()).isNull();
    assertThat(other.restore(null)).isFalse();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.restore("{not json"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
