package io.driftgate.core.spec;

import static io.driftgate.core.spec.TestSpecs.MINIMAL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.wire.WireFormat;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecLoaderTest {

  @TempDir Path tmp;

  private static SpecException specError(ThrowingCallable call) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(call);
    assertThat(t).isInstanceOf(SpecException.class);
    return (SpecException) t;
  }

  private static SpecException parseError(String yaml) {
    return specError(() -> TestSpecs.parse(yaml));
  }

  // ------------------------------------------------------------------ the example

  @Test
  void exampleSpecLoads() {
    ModelSpec spec = TestSpecs.example();
    Path exampleDir = TestSpecs.EXAMPLE.toAbsolutePath().normalize().getParent();

    assertThat(spec.model()).isEqualTo("flight-delay");
    assertThat(spec.source().kafka())
        .isEqualTo(
            new KafkaSourceSpec(
                "localhost:9092",
                "flights",
                "driftgate-ingest-flight-delay",
                "flights.deadletters",
                java.util.Map.of(),
                true));
    assertThat(spec.source().format()).isEqualTo(WireFormat.SINGLE_OBJECT);
    assertThat(spec.source().schemaFile())
        .isEqualTo(TestSpecs.READER_SCHEMA.toAbsolutePath().normalize());
    assertThat(spec.source().schemaHistory())
        .containsExactly(TestSpecs.V1_SCHEMA.toAbsolutePath().normalize());
    assertThat(spec.source().schemaRegistryDir()).isEqualTo(exampleDir.resolve("registry"));
    assertThat(spec.eventTimeField()).isEqualTo("event_time");
    assertThat(spec.label()).isEqualTo(new LabelSpec("delayed", LabelKind.BINARY));
    assertThat(spec.idField()).isEqualTo("event_id");
    assertThat(spec.featureNames())
        .containsExactly(
            "distance_km",
            "dep_hour",
            "dep_delay_min",
            "origin",
            "destination",
            "weather",
            "carrier");
    FeatureSpec distance = spec.feature("distance_km").orElseThrow();
    assertThat(distance.kind()).isEqualTo(FeatureKind.NUMERIC);
    assertThat(distance.required()).isTrue();
    assertThat(distance.min()).isEqualTo(0.0);
    assertThat(distance.max()).isEqualTo(20000.0);
    assertThat(distance.nonFinite()).isEqualTo(NonFinitePolicy.REJECT);
    assertThat(distance.maxNullRate()).isNull();
    assertThat(spec.feature("dep_delay_min").orElseThrow().maxNullRate()).isEqualTo(0.05);
    FeatureSpec origin = spec.feature("origin").orElseThrow();
    assertThat(origin.kind()).isEqualTo(FeatureKind.CATEGORICAL);
    assertThat(origin.normalize()).isEqualTo(Normalize.UPPER);
    assertThat(origin.allowed()).hasSize(10).contains("ATL", "MIA");
    FeatureSpec carrier = spec.feature("carrier").orElseThrow();
    assertThat(carrier.required()).isFalse();
    assertThat(carrier.allowed()).isEmpty();
    assertThat(spec.feature("weather").orElseThrow().normalize()).isEqualTo(Normalize.LOWER);

    assertThat(spec.lake().path())
        .isEqualTo(exampleDir.resolve("../../.driftgate/lake/flight-delay").normalize());
    assertThat(spec.lake().commitInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(spec.lake().commitMaxRecords()).isEqualTo(50_000);

    assertThat(spec.readerSchema().getFullName()).isEqualTo("io.driftgate.schemas.FlightEvent");
    assertThat(spec.readerSchema().getField("carrier")).isNotNull();
    assertThat(spec.historySchemas()).hasSize(1);
    assertThat(spec.historySchemas().get(0).getField("carrier")).isNull();
    assertThat(spec.registrySchemas()).containsOnlyKeys(1, 2);
    assertThat(spec.registrySchemas().get(2).getField("carrier")).isNotNull();
  }

  @Test
  void absentSectionsGetDefaults() {
    ModelSpec spec = TestSpecs.parse(MINIMAL);
    assertThat(spec.drift()).isEqualTo(DriftSpec.defaults());
    assertThat(spec.drift().window()).isEqualTo(Duration.ofMinutes(10));
    assertThat(spec.drift().allowedLateness()).isEqualTo(Duration.ofMinutes(1));
    assertThat(spec.drift().defaultThreshold()).isEqualTo(0.1);
    assertThat(spec.drift().driftedShare()).isEqualTo(0.5);
    assertThat(spec.drift().consecutiveWindows()).isEqualTo(2);
    assertThat(spec.volume()).isEqualTo(new VolumeSpec(100_000, Duration.ofMinutes(10), 1, null));
    assertThat(spec.training()).isEqualTo(new TrainingSpec(42, 10, 0.05, 0.9, 256, 0.2));
    assertThat(spec.gate()).isEqualTo(io.driftgate.core.gate.GateConfig.defaults());
    assertThat(spec.idField()).isNull();
    assertThat(spec.source().schemaHistory()).isEmpty();
    assertThat(spec.source().schemaRegistryDir()).isNull();
    assertThat(spec.registrySchemas()).isEmpty();
    assertThat(spec.historySchemas()).isEmpty();
    assertThat(spec.source().kafka().consumerGroup()).isEqualTo("driftgate-ingest-flight-delay");
    assertThat(spec.source().kafka().deadLetterTopic()).isEqualTo("flights.deadletters");
    assertThat(spec.lake().path()).isEqualTo(TestSpecs.MODULE_DIR.resolve("lake"));
    assertThat(spec.lake().commitInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(spec.lake().commitMaxRecords()).isEqualTo(50_000);
  }

  @Test
  void laterSectionsParse() {
    ModelSpec spec =
        TestSpecs.parse(
            MINIMAL
                + """
                drift:
                  window: 1h
                  allowedLateness: 500ms
                  defaultThreshold: 0.2
                  driftedShare: 0.25
                  consecutiveWindows: 3
                  criticalFeatures: [origin]
                volume:
                  minNewRecords: 1_000
                  cooldown: PT30S
                  maxInFlight: 2
                  maxAge: 1d
                training:
                  seed: 7
                  epochs: 3
                  learningRate: 0.1
                  momentum: 0.5
                  batchSize: 64
                  validationFraction: 0.25
                gate:
                  alpha: 0.01
                  minEffect: 0.02
                  floors: {auc: 0.7, accuracy: 0.6}
                  forbiddenFeatures: [carrier]
                """);
    assertThat(spec.drift())
        .isEqualTo(
            new DriftSpec(
                Duration.ofHours(1),
                Duration.ofMillis(500),
                0.2,
                0.25,
                3,
                List.of("origin"),
                DriftSpec.DEFAULT_REFERENCE_RECORDS,
                null,
                null,
                Map.of()));
    assertThat(spec.volume())
        .isEqualTo(new VolumeSpec(1000, Duration.ofSeconds(30), 2, Duration.ofDays(1)));
    assertThat(spec.training()).isEqualTo(new TrainingSpec(7, 3, 0.1, 0.5, 64, 0.25));
    // the gate's settings record keeps floors sorted by metric (as the gate always used them)
    assertThat(spec.gate().floors())
        .containsExactly(Map.entry("accuracy", 0.6), Map.entry("auc", 0.7));
    assertThat(spec.gate().forbiddenFeatures()).containsExactly("carrier");
    assertThat(spec.gate().alpha()).isEqualTo(0.01);
    assertThat(spec.gate().minEffect()).isEqualTo(0.02);
  }

  @Test
  void overridesReturnModifiedCopies() {
    ModelSpec spec = TestSpecs.example();
    ModelSpec moved = spec.withBootstrapServers("kafka:29092").withLakePath(tmp.resolve("lake"));
    assertThat(moved.source().kafka().bootstrapServers()).isEqualTo("kafka:29092");
    assertThat(moved.source().kafka().topic()).isEqualTo("flights");
    assertThat(moved.lake().path()).isEqualTo(tmp.resolve("lake"));
    assertThat(moved.lake().commitInterval()).isEqualTo(spec.lake().commitInterval());
    assertThat(spec.source().kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(moved).isNotEqualTo(spec);
    assertThat(moved.features()).isEqualTo(spec.features());
  }

  @Test
  void javaSerializationRoundTrip() throws Exception {
    ModelSpec spec = TestSpecs.example();
    spec.readerSchema(); // fill the transient cache before serializing
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(spec);
    }
    ModelSpec copy;
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ModelSpec) in.readObject();
    }
    assertThat(copy).isEqualTo(spec).hasSameHashCodeAs(spec);
    assertThat(copy.readerSchema()).isEqualTo(spec.readerSchema());
    assertThat(copy.gate()).isEqualTo(spec.gate());
    assertThat(copy.launcher()).isEqualTo(spec.launcher());
    assertThat(copy.historySchemas()).isEqualTo(spec.historySchemas());
    assertThat(copy.registrySchemas()).isEqualTo(spec.registrySchemas());
    assertThat(copy.source().schemaFile()).isEqualTo(spec.source().schemaFile());
    assertThat(copy.lake().path()).isEqualTo(spec.lake().path());
    assertThat(copy.feature("origin").orElseThrow().allowed())
        .containsExactlyElementsOf(spec.feature("origin").orElseThrow().allowed());
  }

  @Test
  void loadReportsMissingSpecFile() {
    SpecException e = specError(() -> SpecLoader.load(tmp.resolve("nope.yaml")));
    assertThat(e.key()).isEqualTo("(file)");
    assertThat(e.getMessage()).contains("nope.yaml").contains("does not exist");
  }

  // ------------------------------------------------------------------ source.kafka.createTopics

  @Test
  void topicsAreNotCreatedUnlessTheSpecSaysSo() {
    assertThat(TestSpecs.parse(MINIMAL).source().kafka().createTopics()).isFalse();
    assertThat(
            TestSpecs.parse(
                    MINIMAL.replace(
                        "    topic: flights\n", "    topic: flights\n    createTopics: true\n"))
                .source()
                .kafka()
                .createTopics())
        .isTrue();
    SpecException e =
        parseError(
            MINIMAL.replace(
                "    topic: flights\n", "    topic: flights\n    createTopics: sometimes\n"));
    assertThat(e.getMessage())
        .contains("source.kafka.createTopics")
        .contains("is not a boolean")
        .contains("true or false");
  }

  // ------------------------------------------------------------------ source.kafka.properties

  private static String withKafkaProperties(String block) {
    return MINIMAL.replace("    topic: flights\n", "    topic: flights\n    properties:\n" + block);
  }

  @Test
  void kafkaPropertiesAreScalarsStoredAsStrings() {
    ModelSpec spec =
        TestSpecs.parse(
            withKafkaProperties(
                """
                      security.protocol: SASL_SSL
                      sasl.mechanism: OAUTHBEARER
                      sasl.login.callback.handler.class: com.google.cloud.hosted.kafka.auth.GcpLoginCallbackHandler
                      sasl.jaas.config: org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;
                      max.block.ms: 30000
                      enable.idempotence: true
                """));
    KafkaSourceSpec kafka = spec.source().kafka();
    assertThat(kafka.properties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "OAUTHBEARER",
                "sasl.login.callback.handler.class",
                    "com.google.cloud.hosted.kafka.auth.GcpLoginCallbackHandler",
                "sasl.jaas.config",
                    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
                        + " required;",
                "max.block.ms", "30000",
                "enable.idempotence", "true"));
    assertThat(kafka.clientProperties())
        .containsEntry("bootstrap.servers", "localhost:9092")
        .containsEntry("security.protocol", "SASL_SSL")
        .hasSize(7);
    // A --bootstrap-servers override keeps the security settings.
    KafkaSourceSpec moved = spec.withBootstrapServers("kafka:9093").source().kafka();
    assertThat(moved.clientProperties())
        .containsEntry("bootstrap.servers", "kafka:9093")
        .containsEntry("sasl.mechanism", "OAUTHBEARER");
    assertThat(TestSpecs.parse(MINIMAL).source().kafka().clientProperties())
        .isEqualTo(Map.of("bootstrap.servers", "localhost:9092"));
  }

  @Test
  void kafkaPropertiesRejectOwnedKeysNestedValuesAndNonMappings() {
    SpecException e =
        parseError(
            withKafkaProperties(
                """
                      group.id: other
                      enable.auto.commit: true
                      sasl:
                        mechanism: PLAIN
                      ssl.truststore.location:
                """));
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactly(
            "source.kafka.properties.group.id",
            "source.kafka.properties.enable.auto.commit",
            "source.kafka.properties.sasl",
            "source.kafka.properties.ssl.truststore.location");
    assertThat(e.errors().get(0).message())
        .isEqualTo(
            "source.kafka.properties.group.id: value \"other\" sets a property driftgate owns;"
                + " remove it; driftgate sets bootstrap.servers, group.id, key.deserializer,"
                + " value.deserializer, key.serializer, value.serializer, enable.auto.commit,"
                + " auto.offset.reset itself (bootstrap servers and group come from"
                + " source.kafka.bootstrapServers and source.kafka.consumerGroup)");
    assertThat(e.errors().get(1).value()).isEqualTo("true");
    assertThat(e.errors().get(2).message())
        .contains("value {mechanism} is not a scalar")
        .contains("write the full dotted name as the key, e.g. sasl.mechanism: PLAIN");
    assertThat(e.errors().get(3).message()).contains("is empty");

    SpecException list = parseError(withKafkaProperties("      - security.protocol\n"));
    assertThat(list.key()).isEqualTo("source.kafka.properties");
    assertThat(list.getMessage())
        .contains("is not a mapping")
        .contains("write Kafka client property: value pairs");
  }

  // ------------------------------------------------------------------ one test per error kind

  @Test
  void driftPerformanceMinRecordsAfterChange() {
    assertThat(TestSpecs.parse(MINIMAL).drift().performance().minRecordsAfterChange())
        .isEqualTo(DriftSpec.Performance.DEFAULT_MIN_RECORDS_AFTER_CHANGE);
    assertThat(
            TestSpecs.parse(MINIMAL + "drift:\n  performance:\n    minRecordsAfterChange: 0\n")
                .drift()
                .performance()
                .minRecordsAfterChange())
        .isZero();
    SpecException e =
        parseError(MINIMAL + "drift:\n  performance:\n    minRecordsAfterChange: -5\n");
    assertThat(e.errors()).hasSize(1);
    assertThat(e.key()).isEqualTo("drift.performance.minRecordsAfterChange");
    assertThat(e.value()).isEqualTo("-5");
    assertThat(e.getMessage()).contains("is out of range").contains("a whole number >= 0");
    SpecException unknown = parseError(MINIMAL + "drift:\n  performance:\n    minRecords: 10\n");
    assertThat(unknown.key()).isEqualTo("drift.performance.minRecords");
    assertThat(unknown.getMessage()).contains("allowed keys: minRecordsAfterChange");
  }

  @Test
  void badType() {
    SpecException e = parseError(MINIMAL.replace("    min: 0\n", "    min: abc\n"));
    assertThat(e.errors()).hasSize(1);
    assertThat(e.key()).isEqualTo("features[0].min");
    assertThat(e.value()).isEqualTo("abc");
    assertThat(e.getMessage())
        .isEqualTo(
            "features[0].min: value \"abc\" is not a number; expected a number such as 0 or"
                + " 12.5");
  }

  @Test
  void badBooleanAndYesNoAreNotBooleans() {
    SpecException e = parseError(MINIMAL.replace("required: true", "required: yes"));
    assertThat(e.errors()).hasSize(2);
    assertThat(e.getMessage())
        .contains("features[0].required: value \"yes\" is not a boolean; expected true or false")
        .contains("features[1].required: value \"yes\"");
  }

  @Test
  void unknownKeyListsAllowedKeysAndSuggests() {
    SpecException e = parseError(MINIMAL.replace("    topic: flights", "    topci: flights"));
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactly("source.kafka.topci", "source.kafka.topic");
    SpecError unknown = e.errors().get(0);
    assertThat(unknown.value()).isEqualTo("topci");
    assertThat(unknown.message())
        .contains("source.kafka.topci: unknown key \"topci\"")
        .contains("allowed keys: bootstrapServers, topic, consumerGroup, deadLetterTopic")
        .contains("did you mean \"topic\"?");
  }

  @Test
  void unknownTopLevelKey() {
    SpecException e = parseError(MINIMAL + "modle: x\n");
    assertThat(e.key()).isEqualTo("modle");
    assertThat(e.getMessage())
        .contains("unknown key \"modle\"")
        .contains("allowed keys: model, source, eventTime, label, id, features, lake")
        .contains("did you mean \"model\"?");
  }

  @Test
  void missingKey() {
    SpecException e = parseError(MINIMAL.replace("    topic: flights\n", ""));
    assertThat(e.key()).isEqualTo("source.kafka.topic");
    assertThat(e.value()).isNull();
    assertThat(e.getMessage())
        .isEqualTo(
            "source.kafka.topic: missing required key; add topic: <value>, e.g. topic: flights");
  }

  @Test
  void missingSection() {
    SpecException e = parseError(MINIMAL.replace("lake:\n  path: lake\n", ""));
    assertThat(e.key()).isEqualTo("lake");
    assertThat(e.getMessage())
        .contains("lake: missing required key")
        .contains("path, commitInterval, commitMaxRecords");
  }

  @Test
  void badEnumValue() {
    SpecException e = parseError(MINIMAL.replace("format: single-object", "format: protobuf"));
    assertThat(e.key()).isEqualTo("source.format");
    assertThat(e.getMessage())
        .isEqualTo(
            "source.format: value \"protobuf\" is not supported; allowed: single-object,"
                + " confluent");
    SpecException kind = parseError(MINIMAL.replace("kind: binary", "kind: ordinal"));
    assertThat(kind.getMessage())
        .isEqualTo(
            "label.kind: value \"ordinal\" is not supported; allowed: binary, multiclass,"
                + " regression");
    SpecException policy =
        parseError(MINIMAL.replace("    max: 20000\n", "    max: 20000\n    nonFinite: drop\n"));
    assertThat(policy.getMessage())
        .isEqualTo(
            "features[0].nonFinite: value \"drop\" is not supported; allowed: reject, null, keep");
  }

  @Test
  void textFeatureOnAStringFieldLoadsAndAnImageNeedsBytes() {
    ModelSpec spec = TestSpecs.parse(MINIMAL.replace("kind: categorical", "kind: text"));
    assertThat(spec.features().get(1).text()).isEqualTo(TextOptions.DEFAULTS);
    SpecException e =
        parseError(
            MINIMAL.replace(
                "kind: categorical", "kind: image\n    image: {width: 8, height: 8, channels: 1}"));
    assertThat(e.key()).isEqualTo("features[1].name");
    assertThat(e.getMessage()).contains("cannot hold an image").contains("bytes");
  }

  @Test
  void badDuration() {
    SpecException e = parseError(MINIMAL + "  commitInterval: 5 seconds\n");
    assertThat(e.key()).isEqualTo("lake.commitInterval");
    assertThat(e.value()).isEqualTo("5 seconds");
    assertThat(e.getMessage())
        .contains("lake.commitInterval: value \"5 seconds\" is not a duration")
        .contains("500ms, 5s, 10m, 1h")
        .contains("PT5S");
    SpecException noUnit = parseError(MINIMAL + "  commitInterval: 5\n");
    assertThat(noUnit.getMessage()).contains("lake.commitInterval: value 5 has no unit");
    SpecException zero = parseError(MINIMAL + "  commitInterval: 0s\n");
    assertThat(zero.getMessage()).contains("value \"0s\" is not positive");
  }

  @Test
  void minGreaterThanMax() {
    SpecException e = parseError(MINIMAL.replace("    max: 20000\n", "    max: -1\n"));
    assertThat(e.key()).isEqualTo("features[0].min");
    assertThat(e.value()).isEqualTo("0");
    assertThat(e.getMessage())
        .isEqualTo(
            "features[0].min: value 0 is greater than max -1; make min less than or equal to"
                + " max");
  }

  @Test
  void maxNullRateOutsideUnitInterval() {
    SpecException e =
        parseError(MINIMAL.replace("    max: 20000\n", "    max: 20000\n    maxNullRate: 1.5\n"));
    assertThat(e.key()).isEqualTo("features[0].maxNullRate");
    assertThat(e.getMessage())
        .contains("value 1.5 is outside [0, 1]")
        .contains("expected a fraction between 0 and 1");
  }

  @Test
  void featureNotInSchema() {
    SpecException e = parseError(MINIMAL.replace("name: origin", "name: airline"));
    assertThat(e.key()).isEqualTo("features[1].name");
    assertThat(e.value()).isEqualTo("airline");
    assertThat(e.getMessage())
        .contains("features[1].name: value \"airline\" is not a field of the reader schema")
        .contains("event_id, event_time, origin, destination");
  }

  @Test
  void wrongFeatureType() {
    SpecException e =
        parseError(
            MINIMAL.replace(
                "  - name: origin\n    kind: categorical", "  - name: origin\n    kind: numeric"));
    assertThat(e.key()).isEqualTo("features[1].name");
    assertThat(e.getMessage())
        .contains("features[1].name: value \"origin\" has schema type [\"null\",\"string\"]")
        .contains("not numeric")
        .contains("int, long, float or double");
    SpecException cat =
        parseError(
            MINIMAL
                .replace("    min: 0\n    max: 20000\n", "")
                .replace("    kind: numeric", "    kind: categorical"));
    assertThat(cat.getMessage())
        .contains("features[0].name: value \"distance_km\" has schema type")
        .contains("string or enum");
  }

  @Test
  void optionOfTheOtherKind() {
    SpecException e =
        parseError(
            MINIMAL.replace("    kind: categorical\n", "    kind: categorical\n    min: 1\n"));
    assertThat(e.key()).isEqualTo("features[1].min");
    assertThat(e.getMessage()).contains("only applies to numeric features");
  }

  @Test
  void missingSchemaFile() {
    SpecException e = parseError(MINIMAL.replace("FlightEvent.avsc", "Nope.avsc"));
    assertThat(e.errors()).hasSize(1);
    assertThat(e.key()).isEqualTo("source.schema");
    assertThat(e.value()).endsWith("Nope.avsc");
    assertThat(e.getMessage())
        .contains("Nope.avsc\" is not an existing file")
        .contains("give the path of an Avro schema (.avsc)");
  }

  @Test
  void invalidSchemaFile() throws IOException {
    Path bad = Files.writeString(tmp.resolve("bad.avsc"), "{\"type\": \"record\", \"name\": 1}");
    SpecException e =
        parseError(MINIMAL.replace("../schemas/src/main/avro/FlightEvent.avsc", bad.toString()));
    assertThat(e.key()).isEqualTo("source.schema");
    assertThat(e.getMessage()).contains("is not a valid Avro schema");
  }

  @Test
  void incompatibleHistorySchema() throws IOException {
    String v1 = Files.readString(TestSpecs.V1_SCHEMA);
    Path old =
        Files.writeString(
            tmp.resolve("old.avsc"),
            v1.replace(
                "{\"name\": \"origin\", \"type\": [\"null\", \"string\"]",
                "{\"name\": \"origin\", \"type\": [\"null\", \"boolean\"]"));
    SpecException e =
        parseError(
            MINIMAL.replace(
                "  format: single-object\n",
                "  format: single-object\n  schemaHistory: [" + old + "]\n"));
    assertThat(e.key()).isEqualTo("source.schemaHistory[0]");
    assertThat(e.getMessage())
        .contains("old.avsc")
        .contains("cannot be read with the reader schema")
        .contains("origin");
  }

  @Test
  void duplicateFeature() {
    SpecException e =
        parseError(MINIMAL.replace("lake:", "  - name: distance_km\n    kind: numeric\nlake:"));
    assertThat(e.key()).isEqualTo("features[2].name");
    assertThat(e.value()).isEqualTo("distance_km");
    assertThat(e.getMessage())
        .isEqualTo(
            "features[2].name: value \"distance_km\" duplicates features[0].name; each feature"
                + " may appear only once; remove or rename one of them");
  }

  @Test
  void labelUsedAsFeature() {
    SpecException e =
        parseError(MINIMAL.replace("lake:", "  - name: delayed\n    kind: numeric\nlake:"));
    assertThat(e.key()).isEqualTo("features[2].name");
    assertThat(e.getMessage()).contains("is the label field").contains("remove this feature");
  }

  @Test
  void eventTimeAndLabelTypesAreChecked() {
    SpecException e =
        parseError(
            MINIMAL
                .replace("field: event_time", "field: origin")
                .replace("field: delayed", "field: weather"));
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactly("eventTime.field", "label.field");
    assertThat(e.errors().get(0).message())
        .contains("value \"origin\" has type")
        .contains("long or int holding epoch milliseconds");
    assertThat(e.errors().get(1).message())
        .contains("does not fit label.kind binary")
        .contains("int, long or boolean");
  }

  @Test
  void allowedValueThatNormalizationCanNeverProduce() {
    SpecException e =
        parseError(
            MINIMAL.replace(
                "    kind: categorical\n",
                "    kind: categorical\n    normalize: upper\n    allowed: [ATL, bos]\n"));
    assertThat(e.key()).isEqualTo("features[1].allowed[1]");
    assertThat(e.getMessage())
        .contains("value \"bos\" can never match")
        .contains("write it as \"BOS\"");
  }

  @Test
  void unknownCriticalFeature() {
    SpecException e = parseError(MINIMAL + "drift:\n  criticalFeatures: [origin, wind]\n");
    assertThat(e.key()).isEqualTo("drift.criticalFeatures[1]");
    assertThat(e.getMessage())
        .contains("\"wind\" is not a feature")
        .contains("distance_km, origin");
  }

  @Test
  void invalidYaml() {
    SpecException e = parseError("model: [unclosed\n");
    assertThat(e.key()).isEqualTo("(yaml)");
    assertThat(e.getMessage()).contains("not valid YAML").contains("line");
  }

  @Test
  void duplicateYamlKeyIsAnError() {
    SpecException e = parseError(MINIMAL + "model: other\n");
    assertThat(e.key()).isEqualTo("(yaml)");
    assertThat(e.getMessage()).contains("model");
  }

  @Test
  void badModelName() {
    SpecException e = parseError(MINIMAL.replace("model: flight-delay", "model: Flight_Delay"));
    assertThat(e.key()).isEqualTo("model");
    assertThat(e.getMessage())
        .contains("value \"Flight_Delay\" is not a valid model name")
        .contains("lower-case letters, digits and '-'");
  }

  @Test
  void severalErrorsAreReportedTogether() {
    String yaml =
        MINIMAL
                .replace("format: single-object", "format: avro")
                .replace("    min: 0\n", "    min: zero\n")
                .replace("kind: binary", "kind: binray")
                .replace("name: origin", "name: airport")
            + "  commitMaxRecords: -3\n"
            + "volume:\n  cooldwn: 5m\n";
    SpecException e = parseError(yaml);
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactlyInAnyOrder(
            "source.format",
            "label.kind",
            "features[0].min",
            "lake.commitMaxRecords",
            "volume.cooldwn",
            "features[1].name");
    assertThat(e.getMessage().split("\n")).hasSize(6);
    assertThat(e.getMessage())
        .contains(
            "lake.commitMaxRecords: value -3 is out of range; expected a whole number between 1 and 2147483647")
        .contains("did you mean \"cooldown\"?");
  }

  @Test
  void nonFinitePolicyNamesIncludingYamlNull() {
    for (String written : List.of("null", "\"null\"", "keep", "reject", "KEEP")) {
      ModelSpec spec =
          TestSpecs.parse(
              MINIMAL.replace(
                  "    max: 20000\n", "    max: 20000\n    nonFinite: " + written + "\n"));
      NonFinitePolicy expected =
          written.contains("null")
              ? NonFinitePolicy.NULL
              : NonFinitePolicy.valueOf(written.toUpperCase(java.util.Locale.ROOT));
      assertThat(spec.features().get(0).nonFinite()).as(written).isEqualTo(expected);
    }
  }

  @Test
  void confluentFormatWithRegistryDir() throws IOException {
    Path reg = Files.createDirectory(tmp.resolve("reg"));
    Files.copy(TestSpecs.V1_SCHEMA, reg.resolve("7.avsc"));
    ModelSpec spec =
        TestSpecs.parse(
            MINIMAL.replace(
                "format: single-object", "format: confluent\n  schemaRegistryDir: " + reg));
    assertThat(spec.source().format()).isEqualTo(WireFormat.CONFLUENT);
    assertThat(spec.registrySchemas()).containsOnlyKeys(7);
    assertThat(spec.registrySchemas().get(7).getField("carrier")).isNull();
  }

  @Test
  void registryDirErrors() throws IOException {
    Path reg = Files.createDirectory(tmp.resolve("reg"));
    Files.copy(TestSpecs.V1_SCHEMA, reg.resolve("v1.avsc"));
    SpecException e =
        parseError(MINIMAL.replace("format: single-object", "schemaRegistryDir: " + reg));
    assertThat(e.key()).isEqualTo("source.schemaRegistryDir");
    assertThat(e.getMessage()).contains("v1.avsc").contains("not named <id>.avsc");
    SpecException missing =
        parseError(MINIMAL.replace("format: single-object", "schemaRegistryDir: nowhere"));
    assertThat(missing.getMessage())
        .contains("source.schemaRegistryDir: value \"")
        .contains("nowhere\" is not an existing directory");
  }

  @Test
  void numberRangesInLaterSections() {
    SpecException e =
        parseError(
            MINIMAL
                + "training:\n  epochs: 2.5\n  validationFraction: 1\n"
                + "gate:\n  alpha: 0\n  floors: {auc: high}\n");
    assertThat(e.errors())
        .extracting(SpecError::key)
        .containsExactly(
            "training.epochs", "training.validationFraction", "gate.alpha", "gate.floors.auc");
    assertThat(e.getMessage())
        .contains(
            "training.epochs: value 2.5 is not a whole number in range; expected a whole"
                + " number between 1 and 2147483647")
        .contains("gate.floors.auc: value \"high\" is not a number");
  }

  @Test
  void aFloorOnABinaryOnlyMetricIsAnErrorForAMulticlassLabel() throws IOException {
    Path dir = Path.of("../examples/digits");
    // the example's own gate section is replaced, so each parse below has exactly one
    String digits =
        Files.readString(dir.resolve("driftgate.yaml")).replaceAll("(?m)^gate:\\n(  .*\\n)*", "");
    assertThat(digits).doesNotContain("\ngate:");
    SpecException e =
        specError(
            () ->
                SpecLoader.parse(
                    digits + "\ngate:\n  floors: {auc: 0.7, accuracy: 0.5, top5: 0.8}\n", dir));
    assertThat(e.errors()).extracting(SpecError::key).containsExactly("gate.floors.auc");
    assertThat(e.getMessage())
        .contains("gate.floors.auc: value 0.7 is a floor on a binary-only metric")
        .contains("label.kind is multiclass")
        .contains("fix: floor accuracy (= top1), top5 or log_loss instead");
    // the multiclass metrics are fine
    assertThat(
            SpecLoader.parse(digits + "\ngate:\n  floors: {accuracy: 0.5, top5: 0.8}\n", dir)
                .gate()
                .floors())
        .containsOnlyKeys("accuracy", "top5");
  }

  // ------------------------------------------------------------------ durations

  @Test
  void durationForms() {
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("10m")).isEqualTo(Duration.ofMinutes(10));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("2d")).isEqualTo(Duration.ofDays(2));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("PT5S")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("pt1m")).isEqualTo(Duration.ofMinutes(1));
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofMillis(500))).isEqualTo("500ms");
    for (String bad : List.of("", "5", "s", "5 s", "-5s", "5sec", "1.5h", "PTX")) {
      assertThatThrownBy(() -> Durations.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
