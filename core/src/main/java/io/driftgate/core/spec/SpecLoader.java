package io.driftgate.core.spec;

import io.driftgate.core.gate.GateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads driftgate.yaml into a {@link ModelSpec}, checking it completely: key names, value types,
 * ranges, and the features against the Avro reader schema. Each section has its own parser ({@code
 * SourceSection}, {@code FeaturesSection}, ..., {@code LauncherSection}) reading through one {@link
 * SpecReader}, which collects every problem; they are thrown together as one {@link SpecException},
 * each naming the key path, the bad value and what is allowed.
 */
public final class SpecLoader {

  static final List<String> TOP_KEYS =
      List.of(
          "model",
          "source",
          "eventTime",
          "label",
          "id",
          "features",
          "lake",
          "drift",
          "volume",
          "training",
          "gate",
          "launcher",
          "state",
          "scoring");

  /** Model names end up in consumer groups, lake paths and Kubernetes resource names. */
  static final Pattern MODEL_NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  private SpecLoader() {}

  /**
   * Loads and validates a spec file. Relative paths inside it resolve against its directory.
   *
   * @throws SpecException listing every problem found
   */
  public static ModelSpec load(Path yaml) {
    Path file = yaml.toAbsolutePath().normalize();
    if (!Files.isRegularFile(file)) {
      throw new SpecException(
          new SpecError(
              "(file)",
              file.toString(),
              "the path of an existing driftgate.yaml",
              "(file): spec file \""
                  + file
                  + "\" does not exist or is not a file; pass the path of an existing"
                  + " driftgate.yaml"));
    }
    return parse(SpecReader.loadFile(file), file.getParent());
  }

  /**
   * Parses and validates spec text. Relative paths resolve against {@code baseDir}.
   *
   * @throws SpecException listing every problem found
   */
  public static ModelSpec parse(String yaml, Path baseDir) {
    return parse(SpecReader.load(yaml), baseDir);
  }

  private static ModelSpec parse(Object doc, Path baseDir) {
    Path base = baseDir.toAbsolutePath().normalize();
    SpecReader r = new SpecReader(base);
    if (doc == null) {
      throw new SpecException(
          new SpecError(
              "(document)",
              null,
              "keys " + String.join(", ", TOP_KEYS),
              "(document): the spec is empty; expected a mapping with keys "
                  + String.join(", ", TOP_KEYS)));
    }
    Map<String, Object> root = r.mapping(doc, "(document)", TOP_KEYS);
    if (root == null) {
      r.throwIfErrors();
    }

    String model = r.string(root, "", "model", true, "flight-delay");
    if (model != null && !MODEL_NAME.matcher(model).matches()) {
      r.err(
          "model",
          model,
          "is not a valid model name",
          "use lower-case letters, digits and '-', starting with a letter and at most 63"
              + " characters, e.g. flight-delay (it is used in consumer groups, lake paths and"
              + " Kubernetes names)");
    }
    SourceSection.Read source = SourceSection.parse(r, root);
    EventTimeSpec eventTime = RecordFieldSections.eventTime(r, root);
    LabelSection.Read label = LabelSection.parse(r, root);
    IdSpec id = RecordFieldSections.id(r, root);
    List<FeatureSpec> features = FeaturesSection.parse(r, root);
    LakeSection.Read lake = LakeSection.parse(r, root);
    Set<String> featureNames = new LinkedHashSet<>();
    features.forEach(f -> featureNames.add(f.name()));
    DriftSpec drift = DriftSection.parse(r, root, featureNames);
    // a metric override must apply to its feature's kind (the registry names each metric's kinds)
    for (FeatureSpec f : features) {
      DriftSpec.MetricOverride o = drift.metrics().get(f.name());
      if (o != null) {
        var metric = io.driftgate.core.drift.metrics.DriftMetric.byName(o.metric());
        var kind = io.driftgate.core.drift.profile.ProfiledKind.valueOf(f.kind().name());
        if (!metric.appliesTo(kind)) {
          r.err(
              "drift.metrics." + f.name() + ".metric",
              o.metric(),
              "does not apply to " + f.kind().configName() + " features",
              "use one of: "
                  + String.join(
                      ", ",
                      java.util.Arrays.stream(io.driftgate.core.drift.metrics.DriftMetric.values())
                          .filter(m -> m.appliesTo(kind))
                          .map(io.driftgate.core.drift.metrics.DriftMetric::specName)
                          .toList()));
        }
      }
    }
    VolumeSpec volume = VolumeSection.parse(r, root);
    TrainingSpec training = TrainingSection.parse(r, root);
    GateConfig gate = GateSection.parse(r, root);
    GateSection.checkFloors(r, gate, label.spec());
    ScoringSpec scoring = ScoringSection.parse(r, root);
    LauncherConfig launcher = LauncherSection.parse(r, root.get("launcher"));

    SchemaChecks checks = new SchemaChecks(r, base);
    SchemaChecks.Schemas schemas =
        checks.read(source.schema(), source.history(), source.registryDir());
    if (schemas.reader() != null) {
      checks.checkEventTime(schemas.reader(), eventTime == null ? null : eventTime.field());
      checks.checkLabel(schemas.reader(), label.field(), label.kind(), label.spec());
      checks.checkId(schemas.reader(), id == null ? null : id.field());
      checks.checkFeatures(schemas.reader(), features);
    }
    checkReservedNames(r, label.field(), features);
    StateSpec state = StateSection.parse(r, root, lake.catalog(), lake.path());

    r.throwIfErrors();
    return new ModelSpec(
            model,
            source.build(model),
            eventTime,
            label.spec(),
            id,
            features,
            lake.spec(),
            drift,
            volume,
            training,
            gate,
            schemas.reader().toString(),
            schemas.historyJson(),
            schemas.registryJson(),
            state)
        .withScoring(scoring)
        .withLauncher(launcher);
  }

  /** Lake columns and the label may not be features (or, for lake columns, the label). */
  private static void checkReservedNames(
      SpecReader r, String labelField, List<FeatureSpec> features) {
    List<String> reserved = new ArrayList<>(LakeColumns.RESERVED);
    if (labelField != null && reserved.contains(labelField)) {
      r.err(
          "label.field",
          labelField,
          "collides with the lake column of the same name",
          "the lake reserves " + String.join(", ", reserved) + "; use another field as label");
    }
    for (int i = 0; i < features.size(); i++) {
      String n = features.get(i).name();
      String key = "features[" + i + "].name";
      if (reserved.contains(n)) {
        r.err(
            key,
            n,
            "collides with the lake column of the same name",
            "the lake reserves " + String.join(", ", reserved) + "; use another field");
      } else if (n.equals(labelField)) {
        r.err(
            key,
            n,
            "is the label field (label.field)",
            "a model must not use its label as a feature; remove this feature");
      }
    }
  }
}
