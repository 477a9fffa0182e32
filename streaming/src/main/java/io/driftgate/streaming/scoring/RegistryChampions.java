package io.driftgate.streaming.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.registry.ModelVersion;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.trainer.TrainedModel;
import io.driftgate.trainer.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The production {@link ChampionScorer.Lookup} and loader: the spec's registry (JDBC state database
 * and artifact store) and the trainer's saved model with its preprocessing.
 */
public final class RegistryChampions {
  private RegistryChampions() {}

  /** The champion alias of the spec's model in its registry. */
  public static ChampionScorer.Lookup lookup(ModelSpec spec) {
    JdbcModelRegistry registry = JdbcModelRegistry.open(spec);
    return new ChampionScorer.Lookup() {
      @Override
      public Optional<String> champion() {
        return registry.alias(spec.model(), ModelRegistry.CHAMPION).map(ModelVersion::versionId);
      }

      @Override
      public Path load(String versionId) {
        return registry.load(spec.model(), versionId);
      }
    };
  }

  /**
   * Loads a trainer model directory (parameters, saved input: tabular preprocessing, image rule or
   * tokenizer; validation metrics): any model the trainer saves, binary or multiclass.
   */
  public static ChampionScorer.Model load(Path dir) {
    TrainedModel model = TrainedModel.load(dir);
    Map<String, Double> validation = validationMetrics(dir);
    return new ChampionScorer.Model() {
      @Override
      public float[] predict(List<? extends Map<String, ?>> rows) {
        return model.probabilities(rows);
      }

      @Override
      public int classes() {
        return model.classes();
      }

      @Override
      public Map<String, Double> validation() {
        return validation;
      }

      @Override
      public void close() {
        model.close();
      }
    };
  }

  /** The validation metrics a model directory holds ({@code metrics.json}); empty when none. */
  public static Map<String, Double> validationMetrics(Path dir) {
    Path file = dir.resolve(Trainer.METRICS_FILE);
    Map<String, Double> out = new LinkedHashMap<>();
    if (!Files.isRegularFile(file)) {
      return out;
    }
    try {
      JsonNode json = new ObjectMapper().readTree(file.toFile());
      json.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isNumber()) {
                  out.put(
                      io.driftgate.core.stats.Metrics.canonical(e.getKey()),
                      e.getValue().asDouble());
                }
              });
    } catch (IOException e) {
      // Without validation metrics the windowed check has nothing to compare with; scoring goes on.
      return Map.of();
    }
    return Map.copyOf(out);
  }
}
