package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.tune.LocalStudyRunner;
import io.driftgate.core.tune.SearchSpace;
import io.driftgate.core.tune.TrialResult;
import io.driftgate.core.tune.TrialStatus;
import io.driftgate.testkit.lake.CorpusLakes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tuning runs unchanged on an image model: a 2 x 2 lr x momentum grid of real trials (own JVMs)
 * training the digits example's default cnn on a small lake of real MNIST digits.
 */
class ImageTuningTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSmallGridTrainsTheDigitsCnnInEveryTrial(@TempDir Path tmp) throws Exception {
    CorpusLakes.Written lake = CorpusLakes.digits(tmp.resolve("lake"), 4, 600, 600);
    Map<String, String> base = new LinkedHashMap<>();
    base.put("epochs", "1");
    base.put("batchSize", "32");
    base.put("patience", "0");
    base.put("seed", "5");
    Path study = tmp.resolve("study");
    TuneRunner.Result r =
        TuneRunner.builder()
            .setSpec(lake.spec())
            .setLake(lake.root())
            .setStudyDir(study)
            .setSpace(
                SearchSpace.builder()
                    .add("lr", SearchSpace.choice(0.01, 0.05))
                    .add("momentum", SearchSpace.choice(0.0, 0.9))
                    .build())
            .optName("digits-grid")
            .optParallelism(2)
            .optTrialTimeout(Duration.ofMinutes(4))
            .optHeartbeatTimeout(Duration.ofMinutes(2))
            .optTrialHeap("512m")
            .optJvmFlags(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"))
            .optBaseParams(base)
            .optRunner(new LocalStudyRunner().pollInterval(Duration.ofMillis(100)))
            .build()
            .run();
    assertThat(r.study().trials()).hasSize(4);
    assertThat(r.count(TrialStatus.COMPLETED)).isEqualTo(4);
    for (TrialResult t : r.study().trials()) {
      JsonNode training =
          JSON.readTree(
              TrialMain.modelDir(study, t.index()).resolve(Trainer.TRAINING_FILE).toFile());
      assertThat(training.get("architecture").asText()).isEqualTo("cnn");
      assertThat(training.get("task").asText()).isEqualTo("multiclass");
      JsonNode m =
          JSON.readTree(
              TrialMain.modelDir(study, t.index()).resolve(Trainer.METRICS_FILE).toFile());
      assertThat(t.objective()).isEqualTo(m.get("log_loss").asDouble());
    }
    TrialResult best = r.best().orElseThrow();
    JsonNode bestMetrics = JSON.readTree(r.bestModel().resolve(Trainer.METRICS_FILE).toFile());
    System.out.printf("digits grid: best trial %s, metrics %s%n", best.params(), bestMetrics);
    // 10 classes, 480 training digits, one epoch: chance is about 0.1
    assertThat(bestMetrics.get("top1").asDouble()).isGreaterThan(0.4);
  }
}
