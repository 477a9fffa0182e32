package io.driftgate.core.spec;

import static io.driftgate.core.spec.TestSpecs.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spec keys of the record validation rules: {@code eventTime.maxFutureSkew}/{@code maxAge},
 * {@code label.onNull}/{@code mapping}/{@code classes}/{@code min}/{@code max}, {@code
 * id.maxLength}, {@code features[].maxLength} and {@code source.maxRecordBytes}.
 */
class ValidationSpecTest {

  @TempDir Path tmp;

  static SpecException parseError(String yaml) {
    Throwable t = catchThrowable(() -> TestSpecs.parse(yaml));
    assertThat(t).isInstanceOf(SpecException.class);
    return (SpecException) t;
  }

  /** MINIMAL with lines added under a section header line such as {@code "eventTime:\n"}. */
  static String under(String section, String lines) {
    return under(MINIMAL, section, lines);
  }

  static String under(String yaml, String section, String lines) {
    assertThat(yaml).contains(section);
    return yaml.replace(section, section + lines);
  }

  /** A reader schema whose label field {@code y} has the given Avro type (JSON). */
  Path schemaWithLabel(String labelType) throws IOException {
    Path f = tmp.resolve("Event" + Math.abs(labelType.hashCode()) + ".avsc");
    Files.writeString(
        f,
        """
        {"type": "record", "name": "Event", "fields": [
          {"name": "event_id", "type": "string"},
          {"name": "event_time", "type": "long"},
          {"name": "distance_km", "type": "double"},
          {"name": "origin", "type": "string"},
          {"name": "y", "type": %s}
        ]}
        """
            .formatted(labelType));
    return f;
  }

  String withLabel(String labelType, String labelBlock) throws IOException {
    Path schema = schemaWithLabel(labelType);
    return MINIMAL
        .replace("../schemas/src/main/avro/FlightEvent.avsc", schema.toString())
        .replace("label:\n  field: delayed\n  kind: binary\n", labelBlock);
  }

  // ------------------------------------------------------------------ defaults

  @Test
  void defaults() {
    ModelSpec spec =
        TestSpecs.parse(MINIMAL.replace("features:", "id:\n  field: event_id\nfeatures:"));
    assertThat(spec.eventTime())
        .isEqualTo(new EventTimeSpec("event_time", Duration.ofHours(1), null));
    assertThat(spec.eventTime().maxAgeMillis()).isEqualTo(-1);
    assertThat(spec.label().onNull()).isEqualTo(LabelNullPolicy.KEEP);
    assertThat(spec.label().mapping()).isEmpty();
    assertThat(spec.label().classes()).isEmpty();
    assertThat(spec.label()).isEqualTo(new LabelSpec("delayed", LabelKind.BINARY));
    assertThat(spec.id()).isEqualTo(new IdSpec("event_id", 256));
    assertThat(spec.source().maxRecordBytes()).isEqualTo(1024 * 1024);
    assertThat(spec.feature("origin").orElseThrow().maxLength()).isEqualTo(1024);
    assertThat(spec.feature("distance_km").orElseThrow().maxLength()).isNull();
  }

  @Test
  void exampleSpellsOutTheDefaults() {
    ModelSpec example = TestSpecs.example();
    assertThat(example.eventTime().maxFutureSkew()).isEqualTo(Duration.ofHours(1));
    assertThat(example.eventTime().maxAge()).isNull();
    assertThat(example.id()).isEqualTo(IdSpec.of("event_id"));
    assertThat(example.source().maxRecordBytes()).isEqualTo(SourceSpec.DEFAULT_MAX_RECORD_BYTES);
  }

  // ------------------------------------------------------------------ keys are read

  @Test
  void everyKeyIsRead() {
    String yaml =
        under(
            MINIMAL
                .replace(
                    "  format: single-object\n",
                    "  format: single-object\n  maxRecordBytes: 4096\n")
                .replace("features:", "id:\n  field: event_id\n  maxLength: 40\nfeatures:")
                .replace("    kind: categorical\n", "    kind: categorical\n    maxLength: 3\n"),
            "eventTime:\n  field: event_time\n",
            "  maxFutureSkew: 5m\n  maxAge: 30d\n");
    yaml = under(yaml, "  kind: binary\n", "  onNull: reject\n");
    ModelSpec spec = TestSpecs.parse(yaml);
    assertThat(spec.source().maxRecordBytes()).isEqualTo(4096);
    assertThat(spec.eventTime())
        .isEqualTo(new EventTimeSpec("event_time", Duration.ofMinutes(5), Duration.ofDays(30)));
    assertThat(spec.eventTime().maxAgeMillis()).isEqualTo(Duration.ofDays(30).toMillis());
    assertThat(spec.id()).isEqualTo(new IdSpec("event_id", 40));
    assertThat(spec.feature("origin").orElseThrow().maxLength()).isEqualTo(3);
    assertThat(spec.label().onNull()).isEqualTo(LabelNullPolicy.REJECT);
  }

  @Test
  void zeroFutureSkewIsAllowed() {
    ModelSpec spec = TestSpecs.parse(under("eventTime:\n", "  maxFutureSkew: 0s\n"));
    assertThat(spec.eventTime().maxFutureSkew()).isZero();
  }

  @Test
  void binaryMappingFromText() throws IOException {
    ModelSpec spec =
        TestSpecs.parse(
            withLabel(
                "[\"null\", \"string\"]",
                "label:\n  field: y\n  kind: binary\n  mapping: {yes: 1, no: 0, \" Y \": 1}\n"));
    assertThat(spec.label().mapping()).isEqualTo(Map.of("yes", 1, "no", 0, "Y", 1));
  }

  @Test
  void binaryMappingOfBooleansAndNumbers() throws IOException {
    ModelSpec spec =
        TestSpecs.parse(
            withLabel(
                "\"string\"",
                "label:\n  field: y\n  kind: binary\n  mapping: {true: 1, false: 0, 1: 1, 0: 0}\n"));
    assertThat(spec.label().mapping()).containsOnlyKeys("true", "false", "1", "0");
  }

  @Test
  void multiclassClassesAndEnumMapping() throws IOException {
    ModelSpec spec =
        TestSpecs.parse(
            withLabel(
                "{\"type\": \"enum\", \"name\": \"Animal\", \"symbols\": [\"CAT\", \"DOG\"]}",
                "label:\n  field: y\n  kind: multiclass\n  classes: [2, 0, 1]\n"
                    + "  mapping: {CAT: 0, DOG: 2}\n"));
    assertThat(spec.label().classes()).containsExactly(0, 1, 2);
    assertThat(spec.label().mapping()).isEqualTo(Map.of("CAT", 0, "DOG", 2));
  }

  @Test
  void regressionRange() throws IOException {
    ModelSpec spec =
        TestSpecs.parse(
            withLabel(
                "\"double\"", "label:\n  field: y\n  kind: regression\n  min: -5\n  max: 5\n"));
    assertThat(spec.label().min()).isEqualTo(-5.0);
    assertThat(spec.label().max()).isEqualTo(5.0);
  }

  // ------------------------------------------------------------------ errors name key, value, fix

  @Test
  void textLabelNeedsAMapping() throws IOException {
    SpecException e = parseError(withLabel("\"string\"", "label:\n  field: y\n  kind: binary\n"));
    assertThat(e.key()).isEqualTo("label.field");
    assertThat(e.getMessage())
        .contains("label.field: value \"y\" has type \"string\"")
        .contains("does not fit label.kind binary without label.mapping")
        .contains("mapping: {yes: 1, no: 0}");
  }

  @Test
  void binaryMappingMustGiveZeroOrOne() throws IOException {
    SpecException e =
        parseError(
            withLabel(
                "\"string\"", "label:\n  field: y\n  kind: binary\n  mapping: {yes: 2, no: 0}\n"));
    assertThat(e.errors()).extracting(SpecError::key).containsExactly("label.mapping.yes");
    assertThat(e.getMessage())
        .isEqualTo(
            "label.mapping.yes: value 2 is out of range; expected a whole number between 0 and 1");
  }

  @Test
  void mappingKeysCollideAfterTrim() throws IOException {
    SpecException e =
        parseError(
            withLabel(
                "\"string\"",
                "label:\n  field: y\n  kind: binary\n  mapping: {\"yes\": 1, \" yes\": 0}\n"));
    assertThat(e.key()).isEqualTo("label.mapping.yes");
    assertThat(e.getMessage()).contains("is mapped twice");
  }

  @Test
  void multiclassMappingToAnUndeclaredClass() throws IOException {
    SpecException e =
        parseError(
            withLabel(
                "\"string\"",
                "label:\n  field: y\n  kind: multiclass\n  classes: [0, 1]\n"
                    + "  mapping: {cat: 0, dog: 5}\n"));
    assertThat(e.key()).isEqualTo("label.mapping.dog");
    assertThat(e.getMessage()).contains("value 5 is not one of label.classes [0, 1]");
  }

  @Test
  void classesMustBeDistinctWholeNumbersAtLeastZero() {
    SpecException e =
        parseError(
            MINIMAL.replace("kind: binary\n", "kind: multiclass\n  classes: [0, 1, 1, -2, x]\n"));
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactly("label.classes[2]", "label.classes[3]", "label.classes[4]");
    assertThat(e.errors().get(0).message()).contains("is listed twice");
    assertThat(e.errors().get(1).message()).contains("is out of range");
    assertThat(e.errors().get(2).message()).contains("is not a whole number");
  }

  @Test
  void keysThatDoNotFitTheKind() {
    SpecException binary =
        parseError(under("  kind: binary\n", "  classes: [0, 1]\n  min: 0\n  max: 1\n"));
    assertThat(binary.errors())
        .extracting(SpecError::key)
        .containsExactlyInAnyOrder("label.classes", "label.min", "label.max");
    assertThat(binary.errors())
        .filteredOn(err -> err.key().equals("label.classes"))
        .first()
        .extracting(SpecError::message)
        .asString()
        .contains("only applies to multiclass labels")
        .contains("binary classes are always 0 and 1");

    SpecException regression =
        parseError(
            MINIMAL.replace(
                "kind: binary\n", "kind: regression\n  mapping: {a: 1}\n  classes: [1]\n"));
    assertThat(regression.errors())
        .extracting(SpecError::key)
        .containsExactlyInAnyOrder("label.mapping", "label.classes");
  }

  @Test
  void regressionMinAboveMax() {
    SpecException e =
        parseError(MINIMAL.replace("kind: binary\n", "kind: regression\n  min: 5\n  max: 1\n"));
    assertThat(e.key()).isEqualTo("label.min");
    assertThat(e.getMessage()).contains("is greater than max 1");
  }

  @Test
  void unknownNullPolicy() {
    SpecException e = parseError(under("  kind: binary\n", "  onNull: drop\n"));
    assertThat(e.getMessage())
        .isEqualTo("label.onNull: value \"drop\" is not supported; allowed: keep, reject");
  }

  @Test
  void eventTimeBoundsMustBeDurations() {
    SpecException e = parseError(under("eventTime:\n", "  maxFutureSkew: -1h\n  maxAge: 0s\n"));
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactly("eventTime.maxFutureSkew", "eventTime.maxAge");
    assertThat(e.errors().get(0).message()).contains("is not a duration");
    assertThat(e.errors().get(1).message()).contains("is not positive");
  }

  @Test
  void lengthLimitsMustBePositive() {
    SpecException e =
        parseError(
            MINIMAL
                .replace(
                    "  format: single-object\n", "  format: single-object\n  maxRecordBytes: 0\n")
                .replace("features:", "id:\n  field: event_id\n  maxLength: 0\nfeatures:")
                .replace("    kind: categorical\n", "    kind: categorical\n    maxLength: -1\n"));
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactlyInAnyOrder(
            "source.maxRecordBytes", "id.maxLength", "features[1].maxLength");
    assertThat(e.errors()).allSatisfy(err -> assertThat(err.message()).contains("is out of range"));
  }

  @Test
  void maxLengthOnlyForCategoricals() {
    SpecException e =
        parseError(
            MINIMAL.replace("    kind: numeric\n", "    kind: numeric\n    maxLength: 10\n"));
    assertThat(e.key()).isEqualTo("features[0].maxLength");
    assertThat(e.getMessage()).contains("only applies to categorical features");
  }

  @Test
  void allowedCategoryLongerThanMaxLengthCanNeverMatch() {
    SpecException e =
        parseError(
            MINIMAL.replace(
                "    kind: categorical\n",
                "    kind: categorical\n    maxLength: 3\n    allowed: [ATL, ABCD]\n"));
    assertThat(e.key()).isEqualTo("features[1].allowed[1]");
    assertThat(e.getMessage()).contains("is longer than the feature's maxLength");
  }

  @Test
  void unknownKeysInTheNewSectionsStillFail() {
    SpecException e = parseError(under("eventTime:\n", "  maxSkew: 1h\n"));
    assertThat(e.getMessage()).contains("unknown key \"maxSkew\"");
  }

  @Test
  void labelRulesSurviveSerialization() throws Exception {
    ModelSpec spec =
        TestSpecs.parse(
            withLabel(
                "\"string\"",
                "label:\n  field: y\n  kind: multiclass\n  classes: [0, 1]\n"
                    + "  mapping: {a: 0, b: 1}\n  onNull: reject\n"));
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    try (var in =
        new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
      ModelSpec copy = (ModelSpec) in.readObject();
      assertThat(copy).isEqualTo(spec);
      assertThat(copy.label().classes()).isEqualTo(Set.of(0, 1));
    }
  }
}
