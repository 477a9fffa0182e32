package io.driftgate.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code schemas/driftgate.schema.json}, the JSON Schema editors use to validate and complete
 * driftgate.yaml, says what the loader accepts: the same keys in every section, the same enum
 * values, the example specs valid, and the mistakes an editor should flag flagged.
 */
class SpecJsonSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  private static final JsonNode SCHEMA = read(REPO.resolve("schemas/driftgate.schema.json"));
  private static final JsonSchema VALIDATOR =
      JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(SCHEMA);

  @Test
  void everySectionHasTheLoadersKeys() {
    assertKeys("", SpecLoader.TOP_KEYS);
    assertKeys("source", SourceSection.KEYS);
    assertKeys("source.kafka", SourceSection.KAFKA_KEYS);
    assertKeys("eventTime", RecordFieldSections.EVENT_TIME_KEYS);
    assertKeys("id", RecordFieldSections.ID_KEYS);
    assertKeys("label", LabelSection.KEYS);
    assertKeys("features[]", FeaturesSection.KEYS);
    assertKeys("features[].image", ImageOptions.KEYS);
    assertKeys("features[].text", TextOptions.KEYS);
    assertKeys("lake", LakeSection.KEYS);
    assertKeys("lake.catalog", LakeSection.CATALOG_KEYS);
    assertKeys("drift", DriftSection.KEYS);
    assertKeys("drift.metrics.*", DriftSection.METRIC_KEYS);
    assertKeys("drift.performance", DriftSection.PERFORMANCE_KEYS);
    assertKeys("volume", VolumeSection.KEYS);
    assertKeys("training", TrainingSection.KEYS);
    assertKeys("gate", GateSection.KEYS);
    assertKeys("state", StateSection.KEYS);
    assertKeys("state.database", StateSection.DATABASE_KEYS);
    assertKeys("launcher", LauncherConfig.KEYS);
    assertKeys("launcher.volumes[]", LauncherSection.VOLUME_KEYS);
    assertKeys("scoring", ScoringSection.KEYS);
    assertKeys("scoring.labels", ScoringSection.LABELS_KEYS);
  }

  @Test
  void enumsAreTheLoadersNames() {
    assertThat(enumAt("label.kind")).containsExactlyElementsOf(names(LabelKind.values()));
    assertThat(enumAt("label.onNull")).containsExactlyElementsOf(names(LabelNullPolicy.values()));
    assertThat(enumAt("features[].nonFinite"))
        .containsExactlyElementsOf(names(NonFinitePolicy.values()));
    assertThat(enumAt("features[].normalize")).containsExactlyElementsOf(names(Normalize.values()));
    assertThat(enumAt("features[].kind")).containsExactlyElementsOf(names(FeatureKind.values()));
    assertThat(enumAt("features[].image.resize"))
        .containsExactlyElementsOf(names(ImageOptions.Resize.values()));
    assertThat(at("features[].image.formats").path("items").path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyElementsOf(names(ImageOptions.Format.values()));
    assertThat(enumAt("features[].text.normalize"))
        .containsExactlyElementsOf(names(TextOptions.Normalization.values()));
    // onEmpty: null is YAML's null as well as the word
    assertThat(enumAt("features[].text.onEmpty").stream().distinct())
        .containsExactlyElementsOf(names(TextOptions.EmptyPolicy.values()));
    assertThat(enumAt("drift.metrics.*.metric")).containsExactlyElementsOf(DriftSpec.METRIC_NAMES);
    assertThat(enumAt("scoring.metric")).containsExactly(ScoringSpec.ERROR, ScoringSpec.LOG_LOSS);
    assertThat(at("scoring.detector").path("anyOf").get(0).path("enum"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrderElementsOf(io.driftgate.core.performance.ChangeDetectors.names());
    assertThat(enumAt("launcher.backend"))
        .containsExactlyElementsOf(
            Arrays.stream(LauncherConfig.Backend.values())
                .map(b -> b.name().toLowerCase(Locale.ROOT))
                .toList());
  }

  @Test
  void theExampleSpecsAreValidAndLoad() throws IOException {
    List<Path> specs;
    try (Stream<Path> s = Files.walk(REPO.resolve("examples"), 2)) {
      specs = s.filter(p -> p.getFileName().toString().equals("driftgate.yaml")).toList();
    }
    assertThat(specs).hasSizeGreaterThanOrEqualTo(2);
    for (Path spec : specs) {
      assertThat(errors(yaml(spec))).as(spec.toString()).isEmpty();
      assertThat(SpecLoader.load(spec).model()).isNotBlank();
    }
  }

  @Test
  void theMistakesAnEditorShouldFlagAreFlagged() {
    ObjectNode spec = (ObjectNode) yaml(REPO.resolve("examples/flight-delay/driftgate.yaml"));
    ObjectNode typo = spec.deepCopy();
    ((ObjectNode) typo.path("drift")).put("consecutiveWindow", 2);
    assertThat(errors(typo)).anySatisfy(e -> assertThat(e).contains("consecutiveWindow"));

    ObjectNode badEnum = spec.deepCopy();
    ((ObjectNode) badEnum.path("features").get(0)).put("nonFinite", "drop");
    assertThat(errors(badEnum)).anySatisfy(e -> assertThat(e).contains("nonFinite"));

    ObjectNode badDuration = spec.deepCopy();
    ((ObjectNode) badDuration.path("lake")).put("commitInterval", "5 seconds");
    assertThat(errors(badDuration)).anySatisfy(e -> assertThat(e).contains("commitInterval"));
    for (String ok : List.of("500ms", "5s", "10m", "1h30m", "30d", "PT5S")) {
      ((ObjectNode) badDuration.path("lake")).put("commitInterval", ok);
      assertThat(errors(badDuration)).as(ok).isEmpty();
      assertThat(Durations.parse(ok)).isPositive();
    }

    ObjectNode noModel = spec.deepCopy();
    noModel.remove("model");
    assertThat(errors(noModel)).anySatisfy(e -> assertThat(e).contains("model"));
  }

  private static List<String> errors(JsonNode spec) {
    List<String> out = new ArrayList<>();
    for (ValidationMessage m : VALIDATOR.validate(spec)) {
      out.add(m.getMessage());
    }
    return out;
  }

  /** The schema node at a dotted path; {@code []} steps into array items, {@code *} into maps. */
  private static JsonNode at(String path) {
    JsonNode n = SCHEMA;
    if (path.isEmpty()) {
      return n;
    }
    for (String part : path.split("\\.")) {
      if (part.equals("*")) {
        n = n.path("additionalProperties");
        continue;
      }
      boolean items = part.endsWith("[]");
      n = n.path("properties").path(items ? part.substring(0, part.length() - 2) : part);
      if (items) {
        n = n.path("items");
      }
    }
    assertThat(n.isMissingNode()).as("schema node " + path).isFalse();
    return n;
  }

  private static void assertKeys(String path, List<String> loaderKeys) {
    List<String> keys = new ArrayList<>();
    at(path).path("properties").fieldNames().forEachRemaining(keys::add);
    assertThat(keys)
        .as("keys of " + (path.isEmpty() ? "the spec" : path))
        .containsExactlyInAnyOrderElementsOf(loaderKeys);
    assertThat(at(path).path("additionalProperties").asBoolean(true))
        .as(path + " refuses unknown keys, as the loader does")
        .isFalse();
  }

  private static List<String> enumAt(String path) {
    List<String> out = new ArrayList<>();
    at(path).path("enum").forEach(v -> out.add(v.asText()));
    return out;
  }

  private static List<String> names(ConfigNames.Named[] values) {
    return Arrays.stream(values).map(ConfigNames.Named::configName).toList();
  }

  private static JsonNode yaml(Path file) {
    try {
      Object parsed =
          new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
      return JSON.valueToTree(parsed);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static JsonNode read(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
