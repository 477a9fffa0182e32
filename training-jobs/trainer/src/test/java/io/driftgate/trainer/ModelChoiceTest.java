package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.testkit.lake.CorpusLakes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The spec chooses the model per modality; validation reads ModelFactory's registry. */
class ModelChoiceTest {
  static ModelSpec digits = SpecLoader.load(CorpusLakes.DIGITS_SPEC);
  static ModelSpec glosses = SpecLoader.load(CorpusLakes.TEXT_SPEC);

  static ModelSpec digitsWith(String training) throws Exception {
    Path dir = CorpusLakes.DIGITS_SPEC.getParent();
    return SpecLoader.parse(Files.readString(CorpusLakes.DIGITS_SPEC) + "\n" + training, dir);
  }

  @Test
  void eachModalityHasItsDefault() {
    assertThat(Modality.of(digits)).isEqualTo(Modality.IMAGE);
    assertThat(Modality.of(glosses)).isEqualTo(Modality.TEXT);
    assertThat(Modality.of(TestLakes.spec())).isEqualTo(Modality.TABULAR);
    assertThat(TrainParams.forSpec(digits, Map.of()).model()).isEqualTo("cnn");
    assertThat(TrainParams.forSpec(glosses, Map.of()).model()).isEqualTo("bert");
    assertThat(TrainParams.forSpec(TestLakes.spec(), Map.of()).model()).isEqualTo("mlp");
  }

  @Test
  void theSpecChoosesTheModelAndItsParamsAndOverridesWin() throws Exception {
    ModelSpec spec =
        digitsWith("training:\n  model: resnet18\n  params: {augment: shift, shift: 3}\n");
    TrainParams p = TrainParams.forSpec(spec, Map.of());
    assertThat(p.model()).isEqualTo("resnet18");
    assertThat(p.augment()).containsExactly("shift");
    assertThat(p.shift()).isEqualTo(3);
    TrainParams q = TrainParams.forSpec(spec, Map.of("model", "cnn", "shift", "1"));
    assertThat(q.model()).isEqualTo("cnn");
    assertThat(q.shift()).isEqualTo(1);
  }

  @Test
  void aModelOfAnotherModalityIsAConfigErrorNamingKeyValueAndFix() throws Exception {
    assertThatThrownBy(
            () -> TrainParams.forSpec(digitsWith("training:\n  model: bert\n"), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("training.model=bert does not fit the image features")
        // (a test may have registered another image architecture in this JVM)
        .hasMessageContaining("fix: one of [cnn, resnet18");
    assertThatThrownBy(() -> TrainParams.forSpec(glosses, Map.of("model", "mlp")))
        .hasMessageContaining("training parameter model=mlp does not fit the text features")
        .hasMessageContaining("fix: one of [bert]");
    assertThatThrownBy(() -> TrainParams.forSpec(digits, Map.of("model", "vgg16")))
        .hasMessageContaining("model=vgg16 is not an architecture")
        .hasMessageContaining("resnet18");
    assertThatThrownBy(
            () ->
                TrainParams.forSpec(digitsWith("training:\n  params: {dropout: 0.5}\n"), Map.of()))
        .hasMessageContaining("training.params.dropout=0.5 is not a trainer parameter");
  }

  @Test
  void aRegisteredArchitectureIsAccepted() {
    assertThatThrownBy(() -> TrainParams.forSpec(digits, Map.of("model", "tinycnn")))
        .hasMessageContaining("is not an architecture");
    ModelFactory factory =
        ModelFactory.defaults().register("tinycnn", EnumSet.of(Modality.IMAGE), ModelFactory::cnn);
    assertThat(factory.has("tinycnn")).isTrue();
    assertThat(TrainParams.forSpec(digits, Map.of("model", "tinycnn")).model())
        .isEqualTo("tinycnn");
    assertThatThrownBy(() -> TrainParams.forSpec(glosses, Map.of("model", "tinycnn")))
        .hasMessageContaining("fix: one of [bert]");
  }

  @Test
  void anotherBuilderForABuiltInKeepsTheModalitiesItFits() {
    // the trainer registers bert's builder once the vocabulary is known; that must not make bert
    // an image model for the rest of the JVM
    ModelFactory factory = ModelFactory.defaults().register("bert", ModelFactory::cnn);
    assertThat(factory.has("bert")).isTrue();
    assertThat(ModelFactory.modalities("bert")).containsExactly(Modality.TEXT);
    assertThatThrownBy(() -> TrainParams.forSpec(digits, Map.of("model", "bert")))
        .hasMessageContaining("model=bert does not fit the image features");
  }
}
