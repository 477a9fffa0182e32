package io.driftgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.run.RunState;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17's loop end to end on the real broker, Beam on local Flink and DJL: an initial champion
 * (a volume request), then only the label relation drifts (features unchanged). The input-drift
 * monitor asks for nothing; the champion's performance monitor fires one {@code performance_drift}
 * request whose range starts at the change point and holds {@code
 * drift.performance.minRecordsAfterChange} records, and the retrained challenger is gated against
 * the champion and promoted. Smaller than {@code driftgate demo --scenario concept}: one trial per
 * study.
 */
class ConceptDriftDemoIT {
  @TempDir Path work;

  @Test
  void onlyTheLabelRelationDriftsAndThePerformanceMonitorGetsAChallengerGatedAgainstTheChampion()
      throws Exception {
    Path specFile = Path.of("../examples/flight-delay/driftgate.yaml");
    GeneratorConfig gen =
        GeneratorConfig.builder()
            .seed(42)
            .count(70_000)
            .startTimeMillis(1767571200000L)
            .eventSpacingMillis(1000)
            .malformedFraction(0.01)
            .v1Fraction(0.05)
            .drift(DriftConfig.abrupt(46_000, 0.0, 3.0))
            .build();
    Demo.Training oneTrial =
        new Demo.Training(
            specFile,
            Map.of("lr", List.of("0.05"), "momentum", List.of("0.9")),
            Map.of("epochs", "3", "hidden", "16", "patience", "2", "seed", "42"),
            1,
            "384m",
            42,
            300,
            50,
            Duration.ofMinutes(10));
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    Demo.Result r =
        Demo.run(
            SpecLoader.load(specFile),
            oneTrial,
            new Demo.Bootstrap(32_000, 8_000),
            gen,
            4,
            work,
            new PrintStream(text, true, StandardCharsets.UTF_8),
            false,
            "--parallelism=2");
    String out = text.toString(StandardCharsets.UTF_8);

    assertThat(r.balanced()).as(out).isTrue();
    // The champion's request was the volume one; after it, only the performance monitor asked.
    List<RetrainRequest> afterChampion =
        r.requests().stream().filter(q -> !q.getReasons().contains("volume")).toList();
    assertThat(afterChampion).as(out).hasSize(1);
    assertThat(afterChampion.get(0).getReasons()).as(out).containsExactly("performance_drift");
    assertThat(r.requests())
        .as(out)
        .noneMatch(
            q ->
                q.getReasons().contains("drift")
                    || q.getReasons().contains("critical_feature_drift"));
    // The request waited for drift.performance.minRecordsAfterChange (5000) records after the
    // change point, and its range starts there: the challenger learns the new relation.
    RetrainRequest perf = afterChampion.get(0);
    java.time.Instant onset = java.time.Instant.ofEpochMilli(1767571200000L + 46_000L * 1000);
    java.time.Duration halfHour = java.time.Duration.ofMinutes(30); // the spec's drift window
    assertThat(perf.getDataFrom()).as(out).isBetween(onset.minus(halfHour), onset.plus(halfHour));
    assertThat(java.time.Duration.between(perf.getDataFrom(), perf.getDataTo()).toSeconds())
        .as(out)
        .isGreaterThanOrEqualTo(5000);
    // The initial champion was promoted; the performance-drift challenger was gated against it on
    // the same newest rows, with the paired test's effect, interval and p-value, and promoted.
    assertThat(r.runs()).as(out).hasSize(2).allMatch(run -> run.state().terminal());
    assertThat(r.runs().get(0).state()).as(out).isEqualTo(RunState.PROMOTED);
    assertThat(r.runs().get(1).key()).as(out).isEqualTo(perf.getIdempotencyKey());
    assertThat(r.runs().get(1).state()).as(out).isEqualTo(RunState.PROMOTED);
    assertThat(r.gateTests())
        .as(out)
        .anyMatch(
            g ->
                g.championBefore() != null
                    && g.pValue() != null
                    && g.ciLow() != null
                    && g.ciLow() <= g.ciHigh());
    assertThat(out).contains("performance_drift");
  }
}
