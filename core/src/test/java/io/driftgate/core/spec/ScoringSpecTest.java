package io.driftgate.core.spec;

import static io.driftgate.core.spec.TestSpecs.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoringSpecTest {

  @Test
  void absentSectionMeansNoScoring() {
    ModelSpec spec = TestSpecs.parse(MINIMAL);
    assertThat(spec.scoring().enabled()).isFalse();
    assertThat(spec.withBootstrapServers("other:9092").scoring()).isEqualTo(spec.scoring());
  }

  @Test
  void sectionWithSettingsAndADetectorMapping() {
    ModelSpec spec =
        TestSpecs.parse(
            MINIMAL
                + "scoring:\n  pollInterval: 2s\n  batchSize: 64\n  metric: logloss\n"
                + "  detector: {name: page-hinkley, lambda: 20}\n");
    ScoringSpec s = spec.scoring();
    assertThat(s.enabled()).isTrue();
    assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.batchSize()).isEqualTo(64);
    assertThat(s.metric()).isEqualTo("logloss");
    assertThat(s.detector()).isEqualTo("page-hinkley");
    assertThat(s.detectorSettings()).isEqualTo(Map.of("lambda", "20"));
    // survives the copies the CLI makes
    assertThat(spec.withBootstrapServers("x:1").scoring()).isEqualTo(s);
    assertThat(TestSpecs.parse(MINIMAL + "scoring: {}\n").scoring())
        .isEqualTo(ScoringSpec.defaults());
  }

  @Test
  void aLabelsTopicWithItsDelay() {
    ScoringSpec s =
        TestSpecs.parse(
                MINIMAL + "scoring:\n  labels:\n    topic: flights.labels\n    maxDelay: 2h\n")
            .scoring();
    assertThat(s.labelsTopic()).isEqualTo("flights.labels");
    assertThat(s.labelsMaxDelay()).isEqualTo(Duration.ofHours(2));
    assertThat(ScoringSpec.defaults().labelsTopic()).isNull();
    assertThatThrownBy(() -> TestSpecs.parse(MINIMAL + "scoring:\n  labels:\n    maxDelay: 2h\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("scoring.labels.topic");
  }

  @Test
  void badValuesNameKeyValueAndFix() {
    assertThatThrownBy(() -> TestSpecs.parse(MINIMAL + "scoring:\n  metric: auc\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("scoring.metric")
        .hasMessageContaining("auc")
        .hasMessageContaining("error, logloss");
    assertThatThrownBy(() -> TestSpecs.parse(MINIMAL + "scoring:\n  detector: cusum\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("scoring.detector")
        .hasMessageContaining("adwin");
    assertThatThrownBy(() -> TestSpecs.parse(MINIMAL + "scoring:\n  threshold: 1.5\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("scoring.threshold");
  }

  @Test
  void lossIsTheErrorAtTheThresholdOrTheLogLoss() {
    ScoringSpec error = ScoringSpec.defaults();
    assertThat(error.loss(0.9, 1)).isZero();
    assertThat(error.loss(0.9, 0)).isEqualTo(1);
    assertThat(error.loss(0.4, 0)).isZero();
    ScoringSpec logloss =
        new ScoringSpec(true, Duration.ofSeconds(1), 8, 0.5, "logloss", "adwin", Map.of());
    assertThat(logloss.loss(0.5, 1))
        .isCloseTo(Math.log(2), org.assertj.core.data.Offset.offset(1e-9));
  }
}
