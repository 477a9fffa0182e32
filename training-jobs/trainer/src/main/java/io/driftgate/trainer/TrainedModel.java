package io.driftgate.trainer;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A model directory loaded for scoring: the saved parameters with the saved {@link Preprocessing},
 * so rows are transformed exactly as in training.
 */
public final class TrainedModel implements AutoCloseable {
  private final Model model;
  private final Preprocessing preprocessing;

  private TrainedModel(Model model, Preprocessing preprocessing) {
    this.model = model;
    this.preprocessing = preprocessing;
  }

  /** Loads a directory written by {@link Trainer#run}. */
  public static TrainedModel load(Path modelDir) {
    return load(modelDir, ModelFactory.defaults());
  }

  /** Loads with a factory that knows the directory's architecture. */
  public static TrainedModel load(Path modelDir, ModelFactory factory) {
    Preprocessing prep = Preprocessing.load(modelDir);
    JsonNode info;
    try {
      info = Trainer.JSON.readTree(modelDir.resolve(Trainer.TRAINING_FILE).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + Trainer.TRAINING_FILE, e);
    }
    Map<String, String> params = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = info.get("params").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      params.put(e.getKey(), e.getValue().asText());
    }
    TrainParams tp = TrainParams.resolve(null, params);
    Shape shape = new Shape(prep.dimension());
    Model model = Model.newInstance(info.get("model").asText());
    try {
      model.setBlock(factory.create(tp.model(), shape, 1, tp));
      model.load(modelDir, Trainer.MODEL_NAME);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalStateException("cannot load the model in " + modelDir, e);
    }
    return new TrainedModel(model, prep);
  }

  public Preprocessing preprocessing() {
    return preprocessing;
  }

  /** Probability of class 1 for each row (feature name to value). */
  public float[] predict(List<? extends Map<String, ?>> rows) {
    Fitter.Data data =
        new Fitter.Data(
            preprocessing.transformAll(rows),
            new Shape(preprocessing.dimension()),
            new int[rows.size()]);
    return Fitter.predict(model, data, 2, 1024, Engine.getInstance().defaultDevice());
  }

  @Override
  public void close() {
    model.close();
  }
}
