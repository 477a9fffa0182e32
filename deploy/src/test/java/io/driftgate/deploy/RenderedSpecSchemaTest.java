package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec the chart embeds (its ConfigMap) is valid against schemas/driftgate.schema.json. */
class RenderedSpecSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"default", "gcp-kafka", "terraform", "minimal"})
  void theChartsSpecMatchesTheSpecSchema(String valueSet) throws Exception {
    JsonNode schema =
        JSON.readTree(
            RenderedManifests.REPO_ROOT.resolve("schemas/driftgate.schema.json").toFile());
    JsonSchema validator =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(schema);
    JsonNode spec =
        JSON.valueToTree(RenderedChartTest.renderedSpec(RenderedManifests.load(valueSet)));
    assertThat(spec.path("model").asText()).isNotEmpty();
    Set<String> errors =
        validator.validate(spec).stream()
            .map(ValidationMessage::getMessage)
            .collect(Collectors.toSet());
    assertThat(errors).as("rendered-" + valueSet).isEmpty();
  }
}
