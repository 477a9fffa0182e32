package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model directory's metrics.json, under the names the windowed check compares. */
class RegistryChampionsTest {
  @TempDir Path dir;

  @Test
  void trainerMetricNamesBecomeTheWindowedCheckNames() throws Exception {
    Files.writeString(
        dir.resolve("metrics.json"),
        "{\"accuracy\": 0.82, \"roc_auc\": 0.8, \"log_loss\": 0.41, \"note\": \"x\"}");
    assertThat(RegistryChampions.validationMetrics(dir))
        .containsEntry("accuracy", 0.82)
        .containsEntry("auc", 0.8)
        .containsEntry("logloss", 0.41)
        .doesNotContainKey("note");
    assertThat(RegistryChampions.validationMetrics(dir.resolve("missing"))).isEmpty();
  }
}
