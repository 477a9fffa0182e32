package io.driftgate.trainer;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import com.fasterxml.jackson.databind.JsonNode;
import io.driftgate.trainer.text.TextTraining;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A model directory loaded for scoring: the saved parameters with the saved {@link ModelInput}
 * (tabular {@link Preprocessing}, the image rule, the text tokenizer), so rows are encoded exactly
 * as in training; binary or multiclass ({@code training.json}'s {@code classes}). The one loading
 * path of a trainer model: streaming scoring and the gate ({@code ScoredModel}) both use it. A
 * {@code bert} model is rebuilt with the sizes saved beside it ({@link TextTraining#classifier}).
 */
public final class TrainedModel implements AutoCloseable {
  private final Model model;
  private final ModelInput input;
  private final int classes;
  private final JsonNode training;

  private TrainedModel(Model model, ModelInput input, int classes, JsonNode training) {
    this.model = model;
    this.input = input;
    this.classes = classes;
    this.training = training;
  }

  /** Loads a directory written by {@link Trainer#run}. */
  public static TrainedModel load(Path modelDir) {
    return load(modelDir, ModelFactory.defaults());
  }

  /** Loads with a factory that knows the directory's architecture. */
  public static TrainedModel load(Path modelDir, ModelFactory factory) {
    JsonNode info;
    try {
      info = Trainer.JSON.readTree(modelDir.resolve(Trainer.TRAINING_FILE).toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + Trainer.TRAINING_FILE, e);
    }
    ModelInput input = ModelInput.load(modelDir, info.get("input"));
    Map<String, String> params = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = info.get("params").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      params.put(e.getKey(), e.getValue().asText());
    }
    TrainParams tp = TrainParams.resolve((io.driftgate.core.spec.TrainingSpec) null, params);
    int classes = info.path("classes").asInt(2);
    int outputs = classes == 2 ? 1 : classes;
    Shape shape = input.sampleShape();
    Model model = Model.newInstance(info.get("model").asText());
    try {
      Block block;
      if (input instanceof ModelInput.Text text && tp.model().equals("bert")) {
        // the sizes it was built with (a checkpoint's when fine-tuned), not the run's parameters
        block = TextTraining.classifier(modelDir, text.encoder(), outputs, tp);
      } else {
        block = factory.create(tp.model(), shape, outputs, tp);
      }
      if (input.modality() != Modality.TABULAR) {
        // shapes of the convolution / attention parameters come from one forward shape pass
        block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(2).addAll(shape));
      }
      model.setBlock(block);
      model.load(modelDir, Trainer.MODEL_NAME);
    } catch (IOException | MalformedModelException | RuntimeException e) {
      model.close();
      throw new IllegalStateException(
          "cannot load the model in " + modelDir + ": " + e.getMessage(), e);
    }
    return new TrainedModel(model, input, classes, info);
  }

  /** The saved preprocessing of a tabular model. */
  public Preprocessing preprocessing() {
    if (input instanceof ModelInput.Tabular t) {
      return t.preprocessing();
    }
    throw new IllegalStateException(
        "a " + input.modality().configName() + " model has no tabular preprocessing");
  }

  public ModelInput input() {
    return input;
  }

  /** 2 for a binary model, else the number of classes. */
  public int classes() {
    return classes;
  }

  /** The directory's {@code training.json}. */
  public JsonNode training() {
    return training;
  }

  /** Probability of class 1 for each row (feature name to value) of a binary model. */
  public float[] predict(List<? extends Map<String, ?>> rows) {
    if (classes != 2) {
      throw new IllegalStateException(
          "a model of " + classes + " classes has no single probability; use probabilities");
    }
    return probabilities(rows);
  }

  /**
   * Class probabilities of each row: one per row (class 1) for a binary model, row-major {@code
   * rows x classes} otherwise.
   */
  public float[] probabilities(List<? extends Map<String, ?>> rows) {
    return probabilities(input.encodeAll(rows), rows.size());
  }

  /** Class probabilities of encoded samples ({@code n x sampleShape} floats), as above. */
  public float[] probabilities(float[] x, int n) {
    Fitter.Data data = new Fitter.Data(x, input.sampleShape(), new int[n]);
    // a tabular row is a few dozen floats: large batches (the gate's SHAP coalitions are many)
    int batch = input.modality() == Modality.TABULAR ? 4096 : 256;
    return Fitter.predict(model, data, classes, batch, Engine.getInstance().defaultDevice());
  }

  @Override
  public void close() {
    model.close();
  }
}
