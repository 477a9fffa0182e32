package io.driftgate.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code training.model} and {@code training.params}: the spec's choice of model per modality. */
class TrainingModelSpecTest {
  private static final Path DIGITS = Path.of("../examples/digits");

  private static ModelSpec digitsWith(String training) throws Exception {
    String yaml = Files.readString(DIGITS.resolve("driftgate.yaml")) + "\n" + training;
    return SpecLoader.parse(yaml, DIGITS);
  }

  @Test
  void unsetMeansTheModalitysDefaultAndNoParams() throws Exception {
    ModelSpec spec = SpecLoader.load(DIGITS.resolve("driftgate.yaml"));
    assertThat(spec.training().model()).isNull();
    assertThat(spec.training().params()).isEmpty();
    assertThat(spec.training()).isEqualTo(TrainingSpec.defaults());
  }

  @Test
  void modelAndParamsAreRead() throws Exception {
    ModelSpec spec =
        digitsWith(
            """
            training:
              epochs: 3
              model: resnet18
              params: {augment: "shift,flip", shift: 3}
            """);
    assertThat(spec.training().model()).isEqualTo("resnet18");
    assertThat(spec.training().params()).isEqualTo(Map.of("augment", "shift,flip", "shift", "3"));
    assertThat(spec.training().epochs()).isEqualTo(3);
  }

  @Test
  void aModelThatIsNotANameAndParamsThatAreNotValuesAreSpecErrors() {
    assertThatThrownBy(() -> digitsWith("training:\n  model: [cnn]\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("training.model")
        .hasMessageContaining("cnn or resnet18 (images)");
    assertThatThrownBy(() -> digitsWith("training:\n  params: {shift: [1, 2]}\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("training.params.shift");
    assertThatThrownBy(() -> digitsWith("training:\n  params: {model: cnn}\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("training.params.model")
        .hasMessageContaining("write training.model");
    assertThatThrownBy(() -> digitsWith("training:\n  params: shift\n"))
        .isInstanceOf(SpecException.class)
        .hasMessageContaining("training.params");
  }
}
