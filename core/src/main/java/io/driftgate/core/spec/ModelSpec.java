package io.driftgate.core.spec;

import io.driftgate.core.gate.GateConfig;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.LakeLocation;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * A validated model spec (driftgate.yaml), immutable and {@link Serializable} so that it can be
 * shipped inside pipeline functions. Load it with {@link SpecLoader#load(Path)}.
 *
 * <p>The Avro schemas are read when the spec is loaded and kept as JSON text, so a deserialized
 * spec does not need the schema files; {@link #readerSchema()}, {@link #historySchemas()} and
 * {@link #registrySchemas()} parse that text once and cache the result.
 */
public final class ModelSpec implements Serializable, LakeLocation {
  private static final long serialVersionUID = 1L;

  private final String model;
  private final SourceSpec source;
  private final EventTimeSpec eventTime;
  private final LabelSpec label;
  private final IdSpec id;
  private final List<FeatureSpec> features;
  private final LakeSpec lake;
  private final DriftSpec drift;
  private final VolumeSpec volume;
  private final TrainingSpec training;
  private final GateConfig gate;
  private final String readerSchemaJson;
  private final List<String> historySchemaJson;
  private final Map<Integer, String> registrySchemaJson;
  private final StateSpec state;

  /** Set only on a fresh copy ({@link #withScoring}); never changed after. */
  private ScoringSpec scoring = ScoringSpec.disabled();

  /** Set only on a fresh copy ({@link #withLauncher}); never changed after. */
  private LauncherConfig launcher = LauncherConfig.defaults();

  private transient volatile Schema readerSchema;
  private transient volatile List<Schema> historySchemas;
  private transient volatile Map<Integer, Schema> registrySchemas;

  /**
   * Builds a spec from parts. Prefer {@link SpecLoader}, which validates the parts against each
   * other and reads the schema files; this constructor only checks for nulls.
   *
   * @param readerSchemaJson the content of {@code source.schemaFile}
   * @param historySchemaJson the content of each {@code source.schemaHistory} file, same order
   * @param registrySchemaJson schema id to content of {@code <id>.avsc} in the registry dir
   * @param state the {@code state} section (null: the lake's database and storage, see {@link
   *     StateSpec#of})
   */
  public ModelSpec(
      String model,
      SourceSpec source,
      EventTimeSpec eventTime,
      LabelSpec label,
      IdSpec id,
      List<FeatureSpec> features,
      LakeSpec lake,
      DriftSpec drift,
      VolumeSpec volume,
      TrainingSpec training,
      GateConfig gate,
      String readerSchemaJson,
      List<String> historySchemaJson,
      Map<Integer, String> registrySchemaJson,
      StateSpec state) {
    this.state = state;
    this.model = Objects.requireNonNull(model, "model");
    this.source = Objects.requireNonNull(source, "source");
    this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
    this.label = Objects.requireNonNull(label, "label");
    this.id = id;
    this.features = List.copyOf(Objects.requireNonNull(features, "features"));
    this.lake = Objects.requireNonNull(lake, "lake");
    this.drift = drift == null ? DriftSpec.defaults() : drift;
    this.volume = volume == null ? VolumeSpec.defaults() : volume;
    this.training = training == null ? TrainingSpec.defaults() : training;
    this.gate = gate == null ? GateConfig.defaults() : gate;
    this.readerSchemaJson = Objects.requireNonNull(readerSchemaJson, "readerSchemaJson");
    this.historySchemaJson = historySchemaJson == null ? List.of() : List.copyOf(historySchemaJson);
    this.registrySchemaJson =
        registrySchemaJson == null || registrySchemaJson.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(new TreeMap<>(registrySchemaJson));
  }

  /**
   * The one copy path: a copy with the source, lake and volume sections given (the others, the
   * scoring and launcher sections included, carried over).
   */
  private ModelSpec with(SourceSpec newSource, LakeSpec newLake, VolumeSpec newVolume) {
    ModelSpec copy =
        new ModelSpec(
            model,
            newSource,
            eventTime,
            label,
            id,
            features,
            newLake,
            drift,
            newVolume,
            training,
            gate,
            readerSchemaJson,
            historySchemaJson,
            registrySchemaJson,
            state);
    copy.scoring = scoring;
    copy.launcher = launcher;
    return copy;
  }

  private ModelSpec with(SourceSpec newSource, LakeSpec newLake) {
    return with(newSource, newLake, volume);
  }

  /** A copy with {@code source.kafka.bootstrapServers} replaced (CLI override). */
  public ModelSpec withBootstrapServers(String bootstrapServers) {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    return with(source.withKafka(source.kafka().withBootstrapServers(bootstrapServers)), lake);
  }

  /** A copy with the {@code scoring} section replaced. */
  public ModelSpec withScoring(ScoringSpec newScoring) {
    ModelSpec copy = with(source, lake);
    copy.scoring = Objects.requireNonNull(newScoring, "scoring");
    return copy;
  }

  /** A copy with the {@code volume} section replaced. */
  public ModelSpec withVolume(VolumeSpec newVolume) {
    return with(source, lake, Objects.requireNonNull(newVolume, "volume"));
  }

  /** A copy with the {@code launcher} section replaced. */
  public ModelSpec withLauncher(LauncherConfig newLauncher) {
    ModelSpec copy = with(source, lake);
    copy.launcher = Objects.requireNonNull(newLauncher, "launcher");
    return copy;
  }

  /** The {@code launcher} section: where and how retraining runs (defaults when absent). */
  public LauncherConfig launcher() {
    return launcher;
  }

  /** A copy with {@code source.kafka.createTopics} replaced. */
  public ModelSpec withCreateTopics(boolean create) {
    return with(source.withKafka(source.kafka().withCreateTopics(create)), lake);
  }

  /** A copy with {@code lake.path} replaced (CLI override); relative paths are made absolute. */
  public ModelSpec withLakePath(Path lakePath) {
    return with(source, lake.withPath(lakePath.toAbsolutePath().normalize()));
  }

  /** Model name: lower-case letters, digits and '-', starting with a letter. */
  @Override
  public String model() {
    return model;
  }

  public SourceSpec source() {
    return source;
  }

  /** Name of the event-time field (long or int, epoch milliseconds) in the reader schema. */
  public String eventTimeField() {
    return eventTime.field();
  }

  /** The event-time field and its bounds against the wall clock. */
  public EventTimeSpec eventTime() {
    return eventTime;
  }

  public LabelSpec label() {
    return label;
  }

  /** Name of the record id field in the reader schema, or null when the spec has none. */
  public String idField() {
    return id == null ? null : id.field();
  }

  /** The record id and its rules, or null when the spec has none. */
  public IdSpec id() {
    return id;
  }

  /** Features in spec order (the validator checks them in this order). */
  public List<FeatureSpec> features() {
    return features;
  }

  /** The feature with this name, if any. */
  public Optional<FeatureSpec> feature(String name) {
    return features.stream().filter(f -> f.name().equals(name)).findFirst();
  }

  /** Feature names in spec order. */
  public List<String> featureNames() {
    return features.stream().map(FeatureSpec::name).toList();
  }

  /** The configured {@code state} section, or the lake's database and storage by default. */
  public StateSpec state() {
    return state != null ? state : StateSpec.of(lake.catalog());
  }

  /** True when the spec has a {@code state} section. */
  public boolean hasConfiguredState() {
    return state != null;
  }

  public LakeSpec lake() {
    return lake;
  }

  /** The lake's catalog ({@code lake.catalog}, default the embedded one under lake.path). */
  @Override
  public LakeCatalog lakeCatalog() {
    return lake.catalog();
  }

  public DriftSpec drift() {
    return drift;
  }

  public VolumeSpec volume() {
    return volume;
  }

  public TrainingSpec training() {
    return training;
  }

  public GateConfig gate() {
    return gate;
  }

  /** The streaming scoring stage ({@link ScoringSpec#disabled()} when the section is absent). */
  public ScoringSpec scoring() {
    return scoring;
  }

  /** JSON text of the reader schema. */
  public String readerSchemaJson() {
    return readerSchemaJson;
  }

  /** The reader schema ({@code source.schema}); records are decoded into this schema. */
  public Schema readerSchema() {
    Schema s = readerSchema;
    if (s == null) {
      s = new Schema.Parser().parse(readerSchemaJson);
      readerSchema = s;
    }
    return s;
  }

  /** Older writer schemas ({@code source.schemaHistory}), in spec order. */
  public List<Schema> historySchemas() {
    List<Schema> h = historySchemas;
    if (h == null) {
      h = historySchemaJson.stream().map(j -> new Schema.Parser().parse(j)).toList();
      historySchemas = h;
    }
    return h;
  }

  /**
   * Schemas of the confluent registry directory by schema id, ascending; empty when {@code
   * source.schemaRegistryDir} is not set.
   */
  public Map<Integer, Schema> registrySchemas() {
    Map<Integer, Schema> r = registrySchemas;
    if (r == null) {
      Map<Integer, Schema> m = new LinkedHashMap<>();
      registrySchemaJson.forEach((id, json) -> m.put(id, new Schema.Parser().parse(json)));
      r = Collections.unmodifiableMap(m);
      registrySchemas = r;
    }
    return r;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelSpec s
        && model.equals(s.model)
        && source.equals(s.source)
        && eventTime.equals(s.eventTime)
        && label.equals(s.label)
        && Objects.equals(id, s.id)
        && features.equals(s.features)
        && lake.equals(s.lake)
        && drift.equals(s.drift)
        && volume.equals(s.volume)
        && training.equals(s.training)
        && gate.equals(s.gate)
        && readerSchemaJson.equals(s.readerSchemaJson)
        && historySchemaJson.equals(s.historySchemaJson)
        && registrySchemaJson.equals(s.registrySchemaJson)
        && Objects.equals(state, s.state)
        && scoring.equals(s.scoring);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        model,
        source,
        eventTime,
        label,
        id,
        features,
        lake,
        drift,
        volume,
        training,
        gate,
        readerSchemaJson);
  }

  @Override
  public String toString() {
    return "ModelSpec[model="
        + model
        + ", source="
        + source
        + ", eventTime="
        + eventTime
        + ", label="
        + label
        + ", id="
        + id
        + ", features="
        + featureNames()
        + ", lake="
        + lake
        + "]";
  }
}
