package io.driftgate.core.spec;

import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.wire.WireFormat;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads driftgate.yaml into a {@link ModelSpec}, checking it completely: key names, value types,
 * ranges, and the features against the Avro reader schema. All problems are collected and thrown
 * together as one {@link SpecException}; each names the key path, the bad value and what is
 * allowed.
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
  static final List<String> SCORING_KEYS =
      List.of("enabled", "pollInterval", "batchSize", "threshold", "metric", "detector", "labels");
  static final List<String> SCORING_LABELS_KEYS = List.of("topic", "maxDelay");
  static final List<String> STATE_KEYS = List.of("database", "artifacts");
  static final List<String> STATE_DATABASE_KEYS = List.of("url", "properties");
  static final List<String> SOURCE_KEYS =
      List.of("kafka", "format", "schema", "schemaHistory", "schemaRegistryDir", "maxRecordBytes");
  static final List<String> KAFKA_KEYS =
      List.of(
          "bootstrapServers",
          "topic",
          "consumerGroup",
          "deadLetterTopic",
          "properties",
          "createTopics");

  /** Kafka client property names: dotted lower-case words, e.g. {@code security.protocol}. */
  private static final Pattern KAFKA_PROPERTY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  static final List<String> EVENT_TIME_KEYS = List.of("field", "maxFutureSkew", "maxAge");
  static final List<String> ID_KEYS = List.of("field", "maxLength");
  static final List<String> LABEL_KEYS =
      List.of("field", "kind", "onNull", "mapping", "classes", "min", "max");
  static final List<String> FEATURE_KEYS =
      List.of(
          "name",
          "kind",
          "required",
          "min",
          "max",
          "nonFinite",
          "allowed",
          "normalize",
          "maxNullRate",
          "maxLength");
  static final List<String> LAKE_KEYS =
      List.of("path", "commitInterval", "commitMaxRecords", "catalog");
  static final List<String> LAKE_CATALOG_KEYS = List.of("type", "uri", "warehouse", "properties");
  static final List<String> DRIFT_KEYS =
      List.of(
          "window",
          "allowedLateness",
          "defaultThreshold",
          "driftedShare",
          "consecutiveWindows",
          "criticalFeatures",
          "referenceRecords",
          "reportsTopic",
          "requestsTopic",
          "metrics");
  static final List<String> DRIFT_METRIC_KEYS = List.of("metric", "threshold");
  static final List<String> VOLUME_KEYS =
      List.of("minNewRecords", "cooldown", "maxInFlight", "maxAge");
  static final List<String> TRAINING_KEYS =
      List.of("seed", "epochs", "learningRate", "momentum", "batchSize", "validationFraction");
  static final List<String> GATE_KEYS =
      List.of("alpha", "minEffect", "floors", "forbiddenFeatures");

  /** Model names end up in consumer groups, lake paths and Kubernetes resource names. */
  static final Pattern MODEL_NAME = Pattern.compile("[a-z]([a-z0-9-]{0,61}[a-z0-9])?");

  private static final Pattern REGISTRY_FILE = Pattern.compile("(\\d{1,9})\\.avsc");

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
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new SpecException(
          new SpecError(
              "(file)",
              file.toString(),
              "a readable UTF-8 file",
              "(file): spec file \"" + file + "\" cannot be read (" + e + "); check permissions"));
    }
    return parse(text, file.getParent());
  }

  /**
   * Parses and validates spec text. Relative paths resolve against {@code baseDir}.
   *
   * @throws SpecException listing every problem found
   */
  public static ModelSpec parse(String yaml, Path baseDir) {
    return new Parse(baseDir.toAbsolutePath().normalize()).run(yaml);
  }

  /** A YAML 1.2-like resolver: only true/false are booleans (not yes/no/on/off), no timestamps. */
  private static final class StrictResolver extends Resolver {
    @Override
    protected void addImplicitResolvers() {
      addImplicitResolver(
          Tag.BOOL, Pattern.compile("^(?:true|True|TRUE|false|False|FALSE)$"), "tTfF");
      addImplicitResolver(Tag.INT, INT, "-+0123456789");
      addImplicitResolver(Tag.FLOAT, FLOAT, "-+0123456789.");
      addImplicitResolver(Tag.MERGE, MERGE, "<");
      addImplicitResolver(Tag.NULL, NULL, "~nN\0");
      addImplicitResolver(Tag.NULL, EMPTY, null);
    }
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setMaxAliasesForCollections(50);
    DumperOptions dumper = new DumperOptions();
    return new Yaml(
        new SafeConstructor(options),
        new Representer(dumper),
        dumper,
        options,
        new StrictResolver());
  }

  /** Classification of an Avro field type, ignoring a ["null", T] union. */
  private record FieldType(Schema type, boolean nullable, String description) {}

  private static final class Parse {
    private final Path baseDir;
    private final List<SpecError> errors = new ArrayList<>();

    Parse(Path baseDir) {
      this.baseDir = baseDir;
    }

    ModelSpec run(String text) {
      Object doc;
      try {
        doc = yaml().load(text);
      } catch (YAMLException e) {
        String msg = e.getMessage() == null ? e.toString() : e.getMessage();
        throw new SpecException(
            new SpecError(
                "(yaml)",
                null,
                "valid YAML",
                "(yaml): the spec is not valid YAML: "
                    + msg.replaceAll("\\s*\\n\\s*", " ").trim()
                    + "; fix the syntax at the line and column shown"));
      }
      if (doc == null) {
        throw new SpecException(
            new SpecError(
                "(document)",
                null,
                "keys " + String.join(", ", TOP_KEYS),
                "(document): the spec is empty; expected a mapping with keys "
                    + String.join(", ", TOP_KEYS)));
      }
      Map<String, Object> root = mapping(doc, "(document)", TOP_KEYS);
      if (root == null) {
        throw new SpecException(errors);
      }

      // --- model
      String model = string(root, "", "model", true, "flight-delay");
      if (model != null && !MODEL_NAME.matcher(model).matches()) {
        err(
            "model",
            model,
            "is not a valid model name",
            "use lower-case letters, digits and '-', starting with a letter and at most 63"
                + " characters, e.g. flight-delay (it is used in consumer groups, lake paths and"
                + " Kubernetes names)");
      }

      // --- source
      Map<String, Object> src = section(root, "", "source", true, SOURCE_KEYS);
      Map<String, Object> kafkaMap = section(src, "source", "kafka", true, KAFKA_KEYS);
      String bootstrap =
          string(kafkaMap, "source.kafka", "bootstrapServers", true, "localhost:9092");
      String topic = string(kafkaMap, "source.kafka", "topic", true, "flights");
      String group = string(kafkaMap, "source.kafka", "consumerGroup", false, "my-group");
      String dlt =
          string(kafkaMap, "source.kafka", "deadLetterTopic", false, "flights.deadletters");
      Map<String, String> kafkaProperties = kafkaProperties(kafkaMap);
      Boolean createTopics = bool(kafkaMap, "source.kafka", "createTopics", false);
      WireFormat format =
          choice(
              src,
              "source",
              "format",
              WireFormat.SINGLE_OBJECT,
              WireFormat::fromConfigName,
              WireFormat.allowedNames());
      Path schemaPath = path(src, "source", "schema", true, "schemas/MyEvent.avsc");
      List<Path> historyPaths = pathList(src, "source", "schemaHistory");
      Path registryDir = path(src, "source", "schemaRegistryDir", false, "registry");
      Long maxRecordBytes =
          whole(
              src,
              "source",
              "maxRecordBytes",
              (long) SourceSpec.DEFAULT_MAX_RECORD_BYTES,
              1,
              Integer.MAX_VALUE);

      // --- event time, label, id
      Map<String, Object> et = section(root, "", "eventTime", true, EVENT_TIME_KEYS);
      String eventTimeField = string(et, "eventTime", "field", true, "event_time");
      Duration maxFutureSkew =
          duration(et, "eventTime", "maxFutureSkew", EventTimeSpec.DEFAULT_MAX_FUTURE_SKEW, true);
      Duration maxEventAge = duration(et, "eventTime", "maxAge", null, false);
      Map<String, Object> lbl = section(root, "", "label", true, LABEL_KEYS);
      String labelField = string(lbl, "label", "field", true, "delayed");
      LabelKind labelKind =
          choice(lbl, "label", "kind", null, LabelKind::fromConfigName, LabelKind.allowedNames());
      if (lbl != null && labelKind == null && lbl.get("kind") == null) {
        missing("label.kind", "add kind: one of " + LabelKind.allowedNames());
      }
      LabelSpec labelSpec = labelRules(lbl, labelField, labelKind);
      Map<String, Object> idMap = section(root, "", "id", false, ID_KEYS);
      String idField = string(idMap, "id", "field", true, "event_id");
      Long idMaxLength =
          whole(idMap, "id", "maxLength", (long) IdSpec.DEFAULT_MAX_LENGTH, 1, Integer.MAX_VALUE);

      // --- features
      List<FeatureSpec> features = features(root);

      // --- lake
      Map<String, Object> lakeMap = section(root, "", "lake", true, LAKE_KEYS);
      Path lakePath = path(lakeMap, "lake", "path", true, "../lake/my-model");
      Duration commitInterval =
          duration(lakeMap, "lake", "commitInterval", LakeSpec.DEFAULT_COMMIT_INTERVAL, false);
      Long commitMax =
          whole(
              lakeMap,
              "lake",
              "commitMaxRecords",
              (long) LakeSpec.DEFAULT_COMMIT_MAX_RECORDS,
              1,
              Integer.MAX_VALUE);
      LakeCatalog lakeCatalog = lakeCatalog(lakeMap);

      // --- later sections
      Set<String> featureNames = new LinkedHashSet<>();
      features.forEach(f -> featureNames.add(f.name()));
      DriftSpec drift = drift(root, featureNames);
      VolumeSpec volume = volume(root);
      TrainingSpec training = training(root);
      GateSpec gate = gate(root);
      ScoringSpec scoring = scoring(root);
      LauncherConfig.parse(root.get("launcher"), errors);

      // --- schemas and cross-checks
      Schema reader = schemaPath == null ? null : readSchema("source.schema", schemaPath);
      if (reader != null && reader.getType() != Schema.Type.RECORD) {
        err(
            "source.schema",
            schemaPath.toString(),
            "holds a " + reader.getType().getName() + " schema, not a record",
            "point it to an .avsc file whose top-level type is \"record\"");
        reader = null;
      }
      List<String> historyJson = new ArrayList<>();
      for (int i = 0; i < historyPaths.size(); i++) {
        String key = "source.schemaHistory[" + i + "]";
        Schema writer = readSchema(key, historyPaths.get(i));
        if (writer != null) {
          historyJson.add(writer.toString());
          checkReadable(key, historyPaths.get(i).toString(), reader, writer);
        }
      }
      Map<Integer, String> registryJson = registry(registryDir, reader);

      List<String> reserved = new ArrayList<>(LakeColumns.RESERVED);
      if (reader != null) {
        checkEventTime(reader, eventTimeField);
        checkLabel(reader, labelField, labelKind, labelSpec);
        checkId(reader, idField);
        checkFeatures(reader, features);
      }
      if (labelField != null && reserved.contains(labelField)) {
        err(
            "label.field",
            labelField,
            "collides with the lake column of the same name",
            "the lake reserves " + String.join(", ", reserved) + "; use another field as label");
      }
      for (int i = 0; i < features.size(); i++) {
        String n = features.get(i).name();
        String key = "features[" + i + "].name";
        if (reserved.contains(n)) {
          err(
              key,
              n,
              "collides with the lake column of the same name",
              "the lake reserves " + String.join(", ", reserved) + "; use another field");
        } else if (n.equals(labelField)) {
          err(
              key,
              n,
              "is the label field (label.field)",
              "a model must not use its label as a feature; remove this feature");
        }
      }

      if (!errors.isEmpty()) {
        throw new SpecException(errors);
      }
      KafkaSourceSpec kafka =
          new KafkaSourceSpec(
              bootstrap,
              topic,
              group != null ? group : "driftgate-ingest-" + model,
              dlt != null ? dlt : topic + ".deadletters",
              kafkaProperties,
              createTopics);
      SourceSpec source =
          new SourceSpec(
              kafka, format, schemaPath, historyPaths, registryDir, maxRecordBytes.intValue());
      return new ModelSpec(
              model,
              source,
              new EventTimeSpec(eventTimeField, maxFutureSkew, maxEventAge),
              labelSpec,
              idField == null ? null : new IdSpec(idField, idMaxLength.intValue()),
              features,
              new LakeSpec(lakePath, commitInterval, commitMax.intValue(), lakeCatalog),
              drift,
              volume,
              training,
              gate,
              reader.toString(),
              historyJson,
              registryJson,
              stateSpec(root, lakeCatalog, lakePath))
          .withScoring(scoring);
    }

    /**
     * {@code state}: the control plane's database and artifact store; absent means the lake's (its
     * catalog database, {@code artifacts/} beside its warehouse).
     */
    private StateSpec stateSpec(Map<String, Object> root, LakeCatalog lakeCatalog, Path lakePath) {
      Map<String, Object> m = section(root, "", "state", false, STATE_KEYS);
      if (m == null) {
        if (lakeCatalog != null && !lakeCatalog.type().equals("jdbc")) {
          missing(
              "state.database.url",
              "a REST lake catalog has no database to share: add state: {database: {url:"
                  + " jdbc:postgresql://host:5432/driftgate}}");
        }
        return null;
      }
      Map<String, Object> db = section(m, "state", "database", false, STATE_DATABASE_KEYS);
      String url =
          string(db, "state.database", "url", false, "jdbc:postgresql://db:5432/driftgate");
      if (url != null && !url.startsWith("jdbc:sqlite:") && !url.startsWith("jdbc:postgresql:")) {
        err(
            "state.database.url",
            url,
            "is not a supported database",
            "use jdbc:postgresql://host:5432/driftgate (production) or jdbc:sqlite:/path/state.db");
        return null;
      }
      Map<String, String> props = new TreeMap<>();
      Object p = db == null ? null : db.get("properties");
      if (p instanceof Map<?, ?> pm) {
        pm.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
      } else if (p != null) {
        err(
            "state.database.properties",
            p,
            "is not a mapping",
            "write JDBC property: value pairs, e.g. properties: {user: driftgate}");
      }
      String artifacts = string(m, "state", "artifacts", false, "gs://my-bucket/artifacts");
      if (artifacts != null && !artifacts.contains("://")) {
        Path a = resolve("state.artifacts", artifacts);
        artifacts = a == null ? artifacts : a.toString();
      }
      StateSpec fallback = null;
      if (lakeCatalog != null && lakeCatalog.type().equals("jdbc")) {
        fallback = StateSpec.of(lakeCatalog);
      } else if (lakeCatalog == null && lakePath != null) {
        fallback = StateSpec.of(LakeCatalog.embedded(lakePath));
      }
      if (url == null && fallback == null) {
        missing(
            "state.database.url",
            "a REST lake catalog has no database to share: add url: jdbc:postgresql://...");
        return null;
      }
      if (artifacts == null && fallback == null) {
        missing(
            "state.artifacts",
            "a REST lake catalog has no warehouse folder here: add artifacts: gs://bucket/prefix");
        return null;
      }
      if (url != null && url.startsWith("jdbc:sqlite:")) {
        Path f = resolve("state.database.url", url.substring("jdbc:sqlite:".length()));
        url = f == null ? url : "jdbc:sqlite:" + f;
      }
      return new StateSpec(
          url != null ? url : fallback.url(),
          url != null ? props : fallback.properties(),
          artifacts != null ? artifacts : fallback.artifacts());
    }

    // ------------------------------------------------------------------ features

    private List<FeatureSpec> features(Map<String, Object> root) {
      List<FeatureSpec> out = new ArrayList<>();
      Object v = root.get("features");
      if (v == null) {
        missing(
            "features", "add a list of features, each with name and kind (numeric, categorical)");
        return out;
      }
      if (!(v instanceof List<?> list)) {
        err(
            "features",
            v,
            "is not a list",
            "write a list of features, each starting with '- name: ...'");
        return out;
      }
      if (list.isEmpty()) {
        err("features", v, "is empty", "declare at least one feature");
        return out;
      }
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < list.size(); i++) {
        String p = "features[" + i + "]";
        Map<String, Object> m = mapping(list.get(i), p, FEATURE_KEYS);
        if (m == null) {
          continue;
        }
        String name = string(m, p, "name", true, "distance_km");
        FeatureKind kind =
            choice(m, p, "kind", null, FeatureKind::fromConfigName, FeatureKind.allowedNames());
        if (m.get("kind") == null) {
          missing(p + ".kind", "add kind: numeric or kind: categorical");
        } else if (kind == FeatureKind.TEXT || kind == FeatureKind.IMAGE) {
          err(
              p + ".kind",
              m.get("kind"),
              "is not supported yet",
              "supported now: "
                  + FeatureKind.NUMERIC.configName()
                  + ", "
                  + FeatureKind.CATEGORICAL.configName());
          kind = null;
        }
        Boolean required = bool(m, p, "required", false);
        Double min = number(m, p, "min", null);
        Double max = number(m, p, "max", null);
        // "nonFinite: null" is read by YAML as a null value, not as the word: accept both.
        NonFinitePolicy nonFinite =
            m.containsKey("nonFinite") && m.get("nonFinite") == null
                ? NonFinitePolicy.NULL
                : choice(
                    m,
                    p,
                    "nonFinite",
                    NonFinitePolicy.REJECT,
                    NonFinitePolicy::fromConfigName,
                    NonFinitePolicy.allowedNames());
        Normalize normalize =
            choice(
                m,
                p,
                "normalize",
                Normalize.NONE,
                Normalize::fromConfigName,
                Normalize.allowedNames());
        List<String> allowed = strings(m, p, "allowed");
        Double maxNullRate = number(m, p, "maxNullRate", null);
        Long maxLength = whole(m, p, "maxLength", null, 1, Integer.MAX_VALUE);
        if (maxNullRate != null && (maxNullRate < 0 || maxNullRate > 1)) {
          err(
              p + ".maxNullRate",
              m.get("maxNullRate"),
              "is outside [0, 1]",
              "expected a fraction between 0 and 1 such as 0.05");
        }
        if (min != null && max != null && min > max) {
          err(
              p + ".min",
              m.get("min"),
              "is greater than max " + m.get("max"),
              "make min less than or equal to max");
        }
        if (kind == FeatureKind.NUMERIC) {
          for (String k : List.of("allowed", "normalize", "maxLength")) {
            if (m.get(k) != null) {
              err(
                  p + "." + k,
                  m.get(k),
                  "only applies to categorical features",
                  "remove it, or set kind: categorical");
            }
          }
        } else if (kind == FeatureKind.CATEGORICAL) {
          for (String k : List.of("min", "max", "nonFinite")) {
            if (m.containsKey(k)) {
              err(
                  p + "." + k,
                  m.get(k),
                  "only applies to numeric features",
                  "remove it, or set kind: numeric");
            }
          }
        }
        Set<String> allowedSet = new LinkedHashSet<>();
        for (int j = 0; j < allowed.size(); j++) {
          String a = allowed.get(j);
          String norm = normalize.apply(a);
          if (!norm.equals(a.trim())) {
            err(
                p + ".allowed[" + j + "]",
                a,
                "can never match: values are normalized with normalize: " + normalize.configName(),
                "write it as \"" + norm + "\"");
          } else if (norm.isEmpty()) {
            err(p + ".allowed[" + j + "]", a, "is empty", "remove it or write a category");
          } else if (kind == FeatureKind.CATEGORICAL
              && norm.codePointCount(0, norm.length())
                  > (maxLength != null ? maxLength : FeatureSpec.DEFAULT_MAX_LENGTH)) {
            err(
                p + ".allowed[" + j + "]",
                a,
                "is longer than the feature's maxLength and can never match",
                "raise " + p + ".maxLength or remove the category");
          }
          allowedSet.add(norm);
        }
        if (name != null) {
          Integer prev = seen.putIfAbsent(name, i);
          if (prev != null) {
            err(
                p + ".name",
                name,
                "duplicates features[" + prev + "].name",
                "each feature may appear only once; remove or rename one of them");
          }
        }
        if (name != null && kind != null) {
          out.add(
              new FeatureSpec(
                  name,
                  kind,
                  required != null && required,
                  min,
                  max,
                  allowedSet,
                  nonFinite,
                  normalize,
                  maxNullRate,
                  maxLength == null ? null : maxLength.intValue()));
        }
      }
      return out;
    }

    // ------------------------------------------------------------------ label rules

    /**
     * {@code label.onNull}, {@code mapping}, {@code classes}, {@code min} and {@code max}; null
     * when the label section, its field or its kind is missing (already reported).
     */
    private LabelSpec labelRules(Map<String, Object> m, String field, LabelKind kind) {
      if (m == null) {
        return null;
      }
      LabelNullPolicy onNull =
          choice(
              m,
              "label",
              "onNull",
              LabelNullPolicy.KEEP,
              LabelNullPolicy::fromConfigName,
              LabelNullPolicy.allowedNames());
      Double min = number(m, "label", "min", null);
      Double max = number(m, "label", "max", null);
      if (kind != null && kind != LabelKind.REGRESSION) {
        for (String k : List.of("min", "max")) {
          if (m.get(k) != null) {
            err(
                "label." + k,
                m.get(k),
                "only applies to regression labels",
                "remove it; a "
                    + kind.configName()
                    + " label is checked against its classes (label.classes, label.mapping)");
          }
        }
      }
      if (min != null && max != null && min > max) {
        err(
            "label.min",
            m.get("min"),
            "is greater than max " + m.get("max"),
            "make min less than or equal to max");
      }
      Set<Integer> classes = new java.util.TreeSet<>();
      Object cv = m.get("classes");
      if (cv != null) {
        if (kind == LabelKind.BINARY || kind == LabelKind.REGRESSION) {
          err(
              "label.classes",
              cv,
              "only applies to multiclass labels",
              kind == LabelKind.BINARY
                  ? "remove it; binary classes are always 0 and 1"
                  : "remove it; bound a regression label with label.min and label.max");
        } else if (!(cv instanceof List<?> list) || list.isEmpty()) {
          err(
              "label.classes",
              cv,
              "is not a non-empty list",
              "list the class numbers, e.g. classes: [0, 1, 2]");
        } else {
          for (int i = 0; i < list.size(); i++) {
            String key = "label.classes[" + i + "]";
            Long c = wholeValue(key, list.get(i), 0, Integer.MAX_VALUE);
            if (c != null && !classes.add(c.intValue())) {
              err(key, list.get(i), "is listed twice", "list each class once");
            }
          }
        }
      }
      Map<String, Integer> mapping = new LinkedHashMap<>();
      Object mv = m.get("mapping");
      if (mv != null) {
        String example = "map each raw label value to its class, e.g. mapping: {yes: 1, no: 0}";
        if (kind == LabelKind.REGRESSION) {
          err(
              "label.mapping",
              mv,
              "only applies to binary and multiclass labels",
              "remove it; a regression label must be a number");
        } else if (!(mv instanceof Map<?, ?> mm) || mm.isEmpty()) {
          err("label.mapping", mv, "is not a non-empty mapping", example);
        } else {
          for (Map.Entry<?, ?> e : mm.entrySet()) {
            Object k = e.getKey();
            String text = k == null ? "" : String.valueOf(k).trim();
            if (k instanceof Map<?, ?> || k instanceof List<?> || text.isEmpty()) {
              err("label.mapping", k, "is not a label value", example);
              continue;
            }
            String key = "label.mapping." + text;
            long hi = kind == LabelKind.BINARY ? 1 : Integer.MAX_VALUE;
            Long c = wholeValue(key, e.getValue(), 0, hi);
            if (c == null) {
              continue;
            }
            if (kind == LabelKind.MULTICLASS
                && !classes.isEmpty()
                && !classes.contains(c.intValue())) {
              err(
                  key,
                  e.getValue(),
                  "is not one of label.classes " + classes,
                  "map it to a declared class or add the class to label.classes");
            } else if (mapping.putIfAbsent(text, c.intValue()) != null) {
              err(key, k, "is mapped twice (keys are compared after trimming)", "keep one of them");
            }
          }
        }
      }
      if (field == null || kind == null) {
        return null;
      }
      return new LabelSpec(field, kind, onNull, mapping, classes, min, max);
    }

    // ------------------------------------------------------------------ later sections

    private DriftSpec drift(Map<String, Object> root, Set<String> featureNames) {
      Map<String, Object> m = section(root, "", "drift", false, DRIFT_KEYS);
      if (m == null) {
        return DriftSpec.defaults();
      }
      Duration window = duration(m, "drift", "window", DriftSpec.DEFAULT_WINDOW, false);
      Duration lateness =
          duration(m, "drift", "allowedLateness", DriftSpec.DEFAULT_ALLOWED_LATENESS, true);
      Double threshold = number(m, "drift", "defaultThreshold", DriftSpec.DEFAULT_THRESHOLD);
      if (threshold != null && threshold <= 0) {
        err(
            "drift.defaultThreshold",
            m.get("defaultThreshold"),
            "is not positive",
            "expected a drift score above 0 such as 0.1");
      }
      Double share = number(m, "drift", "driftedShare", DriftSpec.DEFAULT_DRIFTED_SHARE);
      if (share != null && (share <= 0 || share > 1)) {
        err(
            "drift.driftedShare",
            m.get("driftedShare"),
            "is outside (0, 1]",
            "expected a fraction of features such as 0.5");
      }
      Long consecutive =
          whole(
              m,
              "drift",
              "consecutiveWindows",
              (long) DriftSpec.DEFAULT_CONSECUTIVE_WINDOWS,
              1,
              Integer.MAX_VALUE);
      List<String> critical = strings(m, "drift", "criticalFeatures");
      for (int i = 0; i < critical.size(); i++) {
        if (!featureNames.isEmpty() && !featureNames.contains(critical.get(i))) {
          err(
              "drift.criticalFeatures[" + i + "]",
              critical.get(i),
              "is not a feature of this spec",
              "features: " + String.join(", ", featureNames));
        }
      }
      Long referenceRecords =
          whole(
              m,
              "drift",
              "referenceRecords",
              DriftSpec.DEFAULT_REFERENCE_RECORDS,
              1,
              Long.MAX_VALUE);
      String reportsTopic = string(m, "drift", "reportsTopic", false, "flights.drift-reports");
      String requestsTopic =
          string(m, "drift", "requestsTopic", false, "flight-delay.retrain-requests");
      Map<String, DriftSpec.MetricOverride> metrics = new LinkedHashMap<>();
      Object rawMetrics = m.get("metrics");
      if (rawMetrics instanceof Map<?, ?> mm) {
        for (Map.Entry<?, ?> e : mm.entrySet()) {
          String feature = String.valueOf(e.getKey());
          String key = "drift.metrics." + feature;
          if (!featureNames.isEmpty() && !featureNames.contains(feature)) {
            err(
                key,
                feature,
                "is not a feature of this spec",
                "features: " + String.join(", ", featureNames));
            continue;
          }
          Map<String, Object> one = mapping(e.getValue(), key, DRIFT_METRIC_KEYS);
          if (one == null) {
            continue;
          }
          String metric = string(one, key, "metric", true, "psi");
          if (metric != null && !DriftSpec.METRIC_NAMES.contains(metric)) {
            err(
                key + ".metric",
                metric,
                "is not supported",
                "allowed: " + String.join(", ", DriftSpec.METRIC_NAMES));
            continue;
          }
          Double t = number(one, key, "threshold", null);
          if (t != null && t <= 0) {
            err(
                key + ".threshold",
                one.get("threshold"),
                "is not positive",
                "expected a threshold such as 0.1 (or an alpha such as 0.05)");
          }
          if (metric != null) {
            metrics.put(feature, new DriftSpec.MetricOverride(metric, t));
          }
        }
      } else if (rawMetrics != null) {
        err(
            "drift.metrics",
            rawMetrics,
            "is not a mapping",
            "expected feature: {metric: psi, threshold: 0.2}");
      }
      if (window == null
          || lateness == null
          || threshold == null
          || share == null
          || consecutive == null
          || referenceRecords == null) {
        return DriftSpec.defaults();
      }
      return new DriftSpec(
          window,
          lateness,
          threshold,
          share,
          consecutive.intValue(),
          critical,
          referenceRecords,
          reportsTopic,
          requestsTopic,
          metrics);
    }

    private VolumeSpec volume(Map<String, Object> root) {
      Map<String, Object> m = section(root, "", "volume", false, VOLUME_KEYS);
      if (m == null) {
        return VolumeSpec.defaults();
      }
      Long minNew =
          whole(
              m, "volume", "minNewRecords", VolumeSpec.DEFAULT_MIN_NEW_RECORDS, 0, Long.MAX_VALUE);
      Duration cooldown = duration(m, "volume", "cooldown", VolumeSpec.DEFAULT_COOLDOWN, true);
      Long inFlight =
          whole(
              m,
              "volume",
              "maxInFlight",
              (long) VolumeSpec.DEFAULT_MAX_IN_FLIGHT,
              1,
              Integer.MAX_VALUE);
      Duration maxAge = duration(m, "volume", "maxAge", null, false);
      if (minNew == null || cooldown == null || inFlight == null) {
        return VolumeSpec.defaults();
      }
      return new VolumeSpec(minNew, cooldown, inFlight.intValue(), maxAge);
    }

    /**
     * {@code scoring}: absent means no scoring stage; {@code detector} is a detector name or a
     * mapping {@code {name: adwin, delta: 0.002}} of its settings.
     */
    private ScoringSpec scoring(Map<String, Object> root) {
      Map<String, Object> m = section(root, "", "scoring", false, SCORING_KEYS);
      if (m == null) {
        return ScoringSpec.disabled();
      }
      String p = "scoring";
      Boolean enabled = bool(m, p, "enabled", true);
      Duration poll = duration(m, p, "pollInterval", ScoringSpec.DEFAULT_POLL_INTERVAL, false);
      Long batch = whole(m, p, "batchSize", (long) ScoringSpec.DEFAULT_BATCH_SIZE, 1, 1_000_000);
      Double threshold = number(m, p, "threshold", ScoringSpec.DEFAULT_THRESHOLD);
      if (threshold != null && !(threshold > 0 && threshold < 1)) {
        err(p + ".threshold", threshold, "is out of range", "expected a probability in (0, 1)");
        threshold = ScoringSpec.DEFAULT_THRESHOLD;
      }
      String metric = string(m, p, "metric", false, ScoringSpec.ERROR);
      if (metric == null) {
        metric = ScoringSpec.ERROR;
      } else if (!metric.equals(ScoringSpec.ERROR) && !metric.equals(ScoringSpec.LOG_LOSS)) {
        err(p + ".metric", metric, "is not supported", "allowed: error, logloss");
        metric = ScoringSpec.ERROR;
      }
      String detector = ScoringSpec.DEFAULT_DETECTOR;
      Map<String, String> settings = new LinkedHashMap<>();
      Object d = m.get("detector");
      if (d instanceof String name) {
        detector = name.trim();
      } else if (d instanceof Map<?, ?> dm) {
        for (Map.Entry<?, ?> e : dm.entrySet()) {
          String k = String.valueOf(e.getKey());
          if (k.equals("name")) {
            detector = String.valueOf(e.getValue()).trim();
          } else {
            settings.put(k, String.valueOf(e.getValue()));
          }
        }
      } else if (d != null) {
        err(
            p + ".detector",
            d,
            "is not a detector",
            "write a name (adwin, page-hinkley) or a mapping such as {name: adwin, delta: 0.002}");
      }
      try {
        io.driftgate.core.performance.ChangeDetectors.create(detector, settings);
      } catch (IllegalArgumentException e) {
        err(
            p + ".detector",
            d,
            "is not a valid detector (" + e.getMessage() + ")",
            "use one of "
                + io.driftgate.core.performance.ChangeDetectors.names()
                + " with numeric settings");
        detector = ScoringSpec.DEFAULT_DETECTOR;
        settings.clear();
      }
      Map<String, Object> labels = section(m, p, "labels", false, SCORING_LABELS_KEYS);
      String labelsTopic = string(labels, p + ".labels", "topic", labels != null, "flights.labels");
      Duration maxDelay =
          duration(labels, p + ".labels", "maxDelay", ScoringSpec.DEFAULT_LABELS_MAX_DELAY, false);
      return new ScoringSpec(
          enabled,
          poll == null ? ScoringSpec.DEFAULT_POLL_INTERVAL : poll,
          batch == null ? ScoringSpec.DEFAULT_BATCH_SIZE : batch.intValue(),
          threshold == null ? ScoringSpec.DEFAULT_THRESHOLD : threshold,
          metric,
          detector,
          settings,
          labelsTopic,
          maxDelay);
    }

    private TrainingSpec training(Map<String, Object> root) {
      Map<String, Object> m = section(root, "", "training", false, TRAINING_KEYS);
      if (m == null) {
        return TrainingSpec.defaults();
      }
      String p = "training";
      Long seed = whole(m, p, "seed", TrainingSpec.DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
      Long epochs = whole(m, p, "epochs", (long) TrainingSpec.DEFAULT_EPOCHS, 1, Integer.MAX_VALUE);
      Double lr = number(m, p, "learningRate", TrainingSpec.DEFAULT_LEARNING_RATE);
      if (lr != null && lr <= 0) {
        err(p + ".learningRate", m.get("learningRate"), "is not positive", "expected e.g. 0.05");
      }
      Double momentum = number(m, p, "momentum", TrainingSpec.DEFAULT_MOMENTUM);
      if (momentum != null && (momentum < 0 || momentum >= 1)) {
        err(p + ".momentum", m.get("momentum"), "is outside [0, 1)", "expected e.g. 0.9");
      }
      Long batch =
          whole(m, p, "batchSize", (long) TrainingSpec.DEFAULT_BATCH_SIZE, 1, Integer.MAX_VALUE);
      Double vf = number(m, p, "validationFraction", TrainingSpec.DEFAULT_VALIDATION_FRACTION);
      if (vf != null && (vf <= 0 || vf >= 1)) {
        err(
            p + ".validationFraction",
            m.get("validationFraction"),
            "is outside (0, 1)",
            "expected a fraction such as 0.2");
      }
      if (seed == null
          || epochs == null
          || lr == null
          || momentum == null
          || batch == null
          || vf == null) {
        return TrainingSpec.defaults();
      }
      return new TrainingSpec(seed, epochs.intValue(), lr, momentum, batch.intValue(), vf);
    }

    /**
     * {@code lake.catalog}: an Iceberg JDBC (SQLite, PostgreSQL) or REST catalog; absent means the
     * embedded SQLite catalog under {@code lake.path}.
     */
    private LakeCatalog lakeCatalog(Map<String, Object> lakeMap) {
      Map<String, Object> m = section(lakeMap, "lake", "catalog", false, LAKE_CATALOG_KEYS);
      if (m == null) {
        return null;
      }
      String type = string(m, "lake.catalog", "type", false, "jdbc");
      if (type != null && !type.equals("jdbc") && !type.equals("rest")) {
        err(
            "lake.catalog.type",
            type,
            "is not a catalog type",
            "use jdbc (SQLite or PostgreSQL through JDBC) or rest (any Iceberg REST catalog)");
        return null;
      }
      String uri = string(m, "lake.catalog", "uri", true, "jdbc:postgresql://db:5432/driftgate");
      String warehouse = string(m, "lake.catalog", "warehouse", false, "gs://my-bucket/lake");
      if (uri != null && "rest".equals(type) && !uri.matches("https?://.+")) {
        err("lake.catalog.uri", uri, "is not an http(s) URL", "give the REST catalog's endpoint");
        return null;
      }
      if (uri != null && !"rest".equals(type) && !uri.startsWith("jdbc:")) {
        err(
            "lake.catalog.uri",
            uri,
            "is not a JDBC URL",
            "use e.g. jdbc:postgresql://host:5432/driftgate or jdbc:sqlite:/path/catalog.db");
        return null;
      }
      if (uri != null && !"rest".equals(type) && warehouse == null) {
        missing(
            "lake.catalog.warehouse",
            "a JDBC catalog needs a warehouse: add warehouse: gs://my-bucket/lake or a folder");
        return null;
      }
      Map<String, String> props = new TreeMap<>();
      Object p = m.get("properties");
      if (p instanceof Map<?, ?> pm) {
        pm.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
      } else if (p != null) {
        err(
            "lake.catalog.properties",
            p,
            "is not a mapping",
            "write Iceberg catalog property: value pairs, e.g. properties: {jdbc.user: driftgate}");
      }
      if (uri == null) {
        return null;
      }
      if (warehouse != null && !warehouse.contains("://")) {
        Path w = resolve("lake.catalog.warehouse", warehouse);
        warehouse = w == null ? warehouse : w.toString();
      }
      return new LakeCatalog(type, uri, warehouse, props);
    }

    /** {@code source.kafka.properties}: Kafka client property name to a scalar value. */
    private Map<String, String> kafkaProperties(Map<String, Object> kafkaMap) {
      Map<String, String> out = new TreeMap<>();
      Object v = kafkaMap == null ? null : kafkaMap.get("properties");
      if (v == null) {
        return out;
      }
      String example =
          "e.g. properties: {security.protocol: SASL_SSL, sasl.mechanism: OAUTHBEARER}";
      if (!(v instanceof Map<?, ?> m)) {
        err(
            "source.kafka.properties",
            v,
            "is not a mapping",
            "write Kafka client property: value pairs, " + example);
        return out;
      }
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String name = String.valueOf(e.getKey());
        String key = "source.kafka.properties." + name;
        Object value = e.getValue();
        if (!(e.getKey() instanceof String) || !KAFKA_PROPERTY.matcher(name).matches()) {
          err(
              "source.kafka.properties",
              e.getKey(),
              "is not a Kafka client property name",
              "use the client's dotted property names, " + example);
        } else if (KafkaSourceSpec.DRIFTGATE_OWNED_PROPERTIES.contains(name)) {
          err(
              key,
              value,
              "sets a property driftgate owns",
              "remove it; driftgate sets "
                  + String.join(", ", KafkaSourceSpec.DRIFTGATE_OWNED_PROPERTIES)
                  + " itself (bootstrap servers and group come from source.kafka.bootstrapServers"
                  + " and source.kafka.consumerGroup)");
        } else if (value instanceof Map<?, ?> || value instanceof List<?>) {
          err(
              key,
              value,
              "is not a scalar",
              "write one string, number or boolean; nested keys are not expanded, write the"
                  + " full dotted name as the key, e.g. sasl.mechanism: PLAIN");
        } else if (value == null || value.toString().isBlank()) {
          err(
              key,
              value,
              "is empty",
              "write a value, or remove the key to keep the client's default");
        } else {
          out.put(name, value.toString().trim());
        }
      }
      return out;
    }

    private GateSpec gate(Map<String, Object> root) {
      Map<String, Object> m = section(root, "", "gate", false, GATE_KEYS);
      if (m == null) {
        return GateSpec.defaults();
      }
      Double alpha = number(m, "gate", "alpha", GateSpec.DEFAULT_ALPHA);
      if (alpha != null && (alpha <= 0 || alpha >= 1)) {
        err("gate.alpha", m.get("alpha"), "is outside (0, 1)", "expected e.g. 0.05");
      }
      Double minEffect = number(m, "gate", "minEffect", GateSpec.DEFAULT_MIN_EFFECT);
      if (minEffect != null && minEffect < 0) {
        err("gate.minEffect", m.get("minEffect"), "is negative", "expected 0 or more, e.g. 0.01");
      }
      Map<String, Double> floors = new LinkedHashMap<>();
      Object fv = m.get("floors");
      if (fv != null) {
        if (fv instanceof Map<?, ?> fm) {
          for (Map.Entry<?, ?> e : fm.entrySet()) {
            String metric = String.valueOf(e.getKey());
            Double d = toDouble("gate.floors." + metric, e.getValue());
            if (d != null) {
              floors.put(metric, d);
            }
          }
        } else {
          err(
              "gate.floors",
              fv,
              "is not a mapping",
              "write metric: minimum pairs, e.g. floors: {auc: 0.7}");
        }
      }
      List<String> forbidden = strings(m, "gate", "forbiddenFeatures");
      if (alpha == null || minEffect == null) {
        return GateSpec.defaults();
      }
      return new GateSpec(alpha, minEffect, floors, forbidden);
    }

    // ------------------------------------------------------------------ schemas

    private Schema readSchema(String key, Path file) {
      if (!Files.isRegularFile(file)) {
        err(
            key,
            file.toString(),
            "is not an existing file",
            "give the path of an Avro schema (.avsc), relative to " + baseDir);
        return null;
      }
      try {
        return new Schema.Parser().parse(Files.readString(file));
      } catch (IOException e) {
        err(key, file.toString(), "cannot be read (" + e + ")", "check the file's permissions");
      } catch (SchemaParseException | IllegalArgumentException e) {
        err(
            key,
            file.toString(),
            "is not a valid Avro schema: " + oneLine(e.getMessage()),
            "fix the schema file or point to a valid .avsc");
      } catch (RuntimeException e) {
        err(
            key,
            file.toString(),
            "is not a valid Avro schema: " + oneLine(String.valueOf(e)),
            "fix the schema file or point to a valid .avsc");
      }
      return null;
    }

    private void checkReadable(String key, String file, Schema reader, Schema writer) {
      if (reader == null) {
        return;
      }
      SchemaCompatibility.SchemaPairCompatibility c =
          SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
      if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        String why =
            c.getResult().getIncompatibilities().stream()
                .map(i -> i.getMessage() + " at " + describeLocation(reader, i.getLocation()))
                .collect(Collectors.joining("; "));
        err(
            key,
            file,
            "cannot be read with the reader schema (source.schema): " + why,
            "make the reader schema backward compatible, e.g. give new fields a default");
      }
    }

    /** Adds the field name to a JSON-pointer location such as {@code /fields/2/type/1}. */
    private static String describeLocation(Schema reader, String location) {
      var m = Pattern.compile("^/fields/(\\d+)").matcher(location == null ? "" : location);
      if (m.find()) {
        int i = Integer.parseInt(m.group(1));
        if (i < reader.getFields().size()) {
          return location + " (field " + reader.getFields().get(i).name() + ")";
        }
      }
      return location;
    }

    private Map<Integer, String> registry(Path dir, Schema reader) {
      Map<Integer, String> out = new TreeMap<>();
      if (dir == null) {
        return out;
      }
      String key = "source.schemaRegistryDir";
      if (!Files.isDirectory(dir)) {
        err(
            key,
            dir.toString(),
            "is not an existing directory",
            "give a directory of <id>.avsc files, relative to " + baseDir);
        return out;
      }
      List<Path> files = new ArrayList<>();
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.avsc")) {
        ds.forEach(files::add);
      } catch (IOException e) {
        err(key, dir.toString(), "cannot be listed (" + e + ")", "check permissions");
        return out;
      }
      files.sort(Comparator.comparing(Path::toString));
      for (Path f : files) {
        String name = f.getFileName().toString();
        var mt = REGISTRY_FILE.matcher(name);
        if (!mt.matches()) {
          err(
              key,
              f.toString(),
              "contains a schema file not named <id>.avsc",
              "rename it to its numeric schema id, e.g. 1.avsc");
          continue;
        }
        Schema s = readSchema(key + "/" + name, f);
        if (s != null) {
          out.put(Integer.parseInt(mt.group(1)), s.toString());
          checkReadable(key + "/" + name, f.toString(), reader, s);
        }
      }
      return out;
    }

    private FieldType fieldType(Schema s) {
      if (s.getType() == Schema.Type.UNION) {
        List<Schema> branches = s.getTypes();
        List<Schema> nonNull =
            branches.stream().filter(b -> b.getType() != Schema.Type.NULL).toList();
        if (nonNull.size() == 1) {
          return new FieldType(nonNull.get(0), branches.size() > 1, s.toString());
        }
        return new FieldType(null, true, s.toString());
      }
      return new FieldType(s, false, s.toString());
    }

    private Schema.Field schemaField(
        Schema reader, String key, String name, String role, boolean report) {
      Schema.Field f = reader.getField(name);
      if (f == null && report) {
        err(
            key,
            name,
            "is not a field of the reader schema " + reader.getFullName(),
            "use one of the "
                + role
                + " fields: "
                + reader.getFields().stream()
                    .map(Schema.Field::name)
                    .collect(Collectors.joining(", ")));
      }
      return f;
    }

    private void checkEventTime(Schema reader, String field) {
      if (field == null) {
        return;
      }
      Schema.Field f = schemaField(reader, "eventTime.field", field, "schema", true);
      if (f == null) {
        return;
      }
      FieldType t = fieldType(f.schema());
      boolean ok = false;
      if (t.type() != null
          && (t.type().getType() == Schema.Type.LONG || t.type().getType() == Schema.Type.INT)) {
        LogicalType lt = t.type().getLogicalType();
        ok = lt == null || lt instanceof LogicalTypes.TimestampMillis;
      }
      if (!ok) {
        err(
            "eventTime.field",
            field,
            "has type " + t.description(),
            "the event-time field must be a long or int holding epoch milliseconds (logicalType"
                + " timestamp-millis allowed, optionally in a [\"null\", ...] union)");
      }
    }

    private void checkLabel(Schema reader, String field, LabelKind kind, LabelSpec rules) {
      if (field == null) {
        return;
      }
      Schema.Field f = schemaField(reader, "label.field", field, "schema", true);
      if (f == null || kind == null) {
        return;
      }
      FieldType t = fieldType(f.schema());
      Schema.Type ty = t.type() == null ? null : t.type().getType();
      boolean text = ty == Schema.Type.STRING || ty == Schema.Type.ENUM;
      boolean mapped = rules != null && !rules.mapping().isEmpty();
      boolean ok =
          switch (kind) {
            case BINARY ->
                ty == Schema.Type.INT
                    || ty == Schema.Type.LONG
                    || ty == Schema.Type.BOOLEAN
                    || (text && mapped);
            case MULTICLASS -> ty == Schema.Type.INT || ty == Schema.Type.LONG || (text && mapped);
            case REGRESSION ->
                ty == Schema.Type.INT
                    || ty == Schema.Type.LONG
                    || ty == Schema.Type.FLOAT
                    || ty == Schema.Type.DOUBLE;
          };
      if (!ok) {
        String expected =
            switch (kind) {
              case BINARY ->
                  "int, long or boolean, or a string or enum with label.mapping from each value"
                      + " to 0 or 1 (e.g. mapping: {yes: 1, no: 0})";
              case MULTICLASS ->
                  "int or long, or a string or enum with label.mapping from each value to its"
                      + " class (e.g. mapping: {cat: 0, dog: 1, bird: 2})";
              case REGRESSION -> "int, long, float or double";
            };
        err(
            "label.field",
            field,
            "has type "
                + t.description()
                + ", which does not fit label.kind "
                + kind.configName()
                + (text && kind != LabelKind.REGRESSION ? " without label.mapping" : ""),
            "a " + kind.configName() + " label must be " + expected + "; it may be nullable");
      }
    }

    private void checkId(Schema reader, String field) {
      if (field == null) {
        return;
      }
      Schema.Field f = schemaField(reader, "id.field", field, "schema", true);
      if (f == null) {
        return;
      }
      FieldType t = fieldType(f.schema());
      Schema.Type ty = t.type() == null ? null : t.type().getType();
      if (ty != Schema.Type.STRING && ty != Schema.Type.INT && ty != Schema.Type.LONG) {
        err(
            "id.field",
            field,
            "has type " + t.description(),
            "the id field must be a string, int or long, optionally nullable");
      }
    }

    private void checkFeatures(Schema reader, List<FeatureSpec> features) {
      for (int i = 0; i < features.size(); i++) {
        FeatureSpec fs = features.get(i);
        String key = "features[" + i + "].name";
        Schema.Field f = schemaField(reader, key, fs.name(), "schema", true);
        if (f == null) {
          continue;
        }
        FieldType t = fieldType(f.schema());
        Schema.Type ty = t.type() == null ? null : t.type().getType();
        if (fs.isNumeric()) {
          boolean ok =
              ty == Schema.Type.INT
                  || ty == Schema.Type.LONG
                  || ty == Schema.Type.FLOAT
                  || ty == Schema.Type.DOUBLE;
          if (ok && t.type().getLogicalType() != null) {
            ok = false;
          }
          if (!ok) {
            err(
                key,
                fs.name(),
                "has schema type " + t.description() + ", which is not numeric",
                "a numeric feature must be int, long, float or double (optionally [\"null\", ...]);"
                    + " use kind: categorical for strings and enums");
          }
        } else if (fs.isCategorical()) {
          if (ty != Schema.Type.STRING && ty != Schema.Type.ENUM) {
            err(
                key,
                fs.name(),
                "has schema type " + t.description() + ", which is not categorical",
                "a categorical feature must be string or enum (optionally [\"null\", ...]); use"
                    + " kind: numeric for numbers");
          }
        }
      }
    }

    // ------------------------------------------------------------------ typed getters

    private static String join(String path, String name) {
      return path.isEmpty() ? name : path + "." + name;
    }

    private Map<String, Object> section(
        Map<String, Object> parent, String path, String name, boolean required, List<String> keys) {
      if (parent == null) {
        return null;
      }
      String key = join(path, name);
      Object v = parent.get(name);
      if (v == null) {
        if (required) {
          missing(key, "add a '" + name + "' section with keys: " + String.join(", ", keys));
        }
        return null;
      }
      return mapping(v, key, keys);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> mapping(Object v, String key, List<String> keys) {
      if (!(v instanceof Map<?, ?> m)) {
        err(key, v, "is not a mapping", "expected keys: " + String.join(", ", keys));
        return null;
      }
      boolean ok = true;
      for (Object k : m.keySet()) {
        String ks = String.valueOf(k);
        if (!(k instanceof String) || !keys.contains(ks)) {
          ok = false;
          String childKey = key.equals("(document)") ? ks : key + "." + ks;
          String suggestion = suggest(ks, keys);
          String allowed =
              "allowed keys: "
                  + String.join(", ", keys)
                  + (suggestion == null ? "" : " (did you mean \"" + suggestion + "\"?)");
          errors.add(
              new SpecError(
                  childKey, ks, allowed, childKey + ": unknown key \"" + ks + "\"; " + allowed));
        }
      }
      if (!ok) {
        // keep the known keys so that the rest is still checked
        Map<String, Object> known = new LinkedHashMap<>();
        m.forEach(
            (k, val) -> {
              if (k instanceof String s && keys.contains(s)) {
                known.put(s, val);
              }
            });
        return known;
      }
      return (Map<String, Object>) m;
    }

    private String string(
        Map<String, Object> m, String path, String name, boolean required, String example) {
      if (m == null) {
        return null;
      }
      String key = join(path, name);
      Object v = m.get(name);
      if (v == null) {
        if (required) {
          missing(key, "add " + name + ": <value>, e.g. " + name + ": " + example);
        }
        return null;
      }
      if (v instanceof String s) {
        if (s.isBlank()) {
          err(key, v, "is empty", "write a value, e.g. " + name + ": " + example);
          return null;
        }
        return s.trim();
      }
      if (v instanceof Number) {
        return v.toString();
      }
      err(key, v, "is not a string", "write a plain text value, e.g. " + name + ": " + example);
      return null;
    }

    private Path path(
        Map<String, Object> m, String path, String name, boolean required, String example) {
      String s = string(m, path, name, required, example);
      return s == null ? null : resolve(join(path, name), s);
    }

    private Path resolve(String key, String s) {
      try {
        return baseDir.resolve(s).normalize();
      } catch (RuntimeException e) {
        err(key, s, "is not a valid path (" + e.getMessage() + ")", "write a file system path");
        return null;
      }
    }

    private List<Path> pathList(Map<String, Object> m, String path, String name) {
      List<String> raw = strings(m, path, name);
      List<Path> out = new ArrayList<>();
      for (int i = 0; i < raw.size(); i++) {
        Path p = resolve(join(path, name) + "[" + i + "]", raw.get(i));
        if (p != null) {
          out.add(p);
        }
      }
      return out;
    }

    private List<String> strings(Map<String, Object> m, String path, String name) {
      List<String> out = new ArrayList<>();
      if (m == null || m.get(name) == null) {
        return out;
      }
      String key = join(path, name);
      Object v = m.get(name);
      if (!(v instanceof List<?> list)) {
        err(key, v, "is not a list", "write a list such as [a, b] or one '- item' per line");
        return out;
      }
      for (int i = 0; i < list.size(); i++) {
        Object e = list.get(i);
        String ek = key + "[" + i + "]";
        if (e instanceof String s) {
          out.add(s);
        } else if (e instanceof Number) {
          out.add(e.toString());
        } else {
          err(ek, e, "is not a string", "write a plain text value (quote it if needed)");
        }
      }
      return out;
    }

    private Boolean bool(Map<String, Object> m, String path, String name, Boolean def) {
      Object v = m == null ? null : m.get(name);
      if (v == null) {
        return def;
      }
      if (v instanceof Boolean b) {
        return b;
      }
      err(join(path, name), v, "is not a boolean", "expected true or false");
      return def;
    }

    private Double number(Map<String, Object> m, String path, String name, Double def) {
      Object v = m == null ? null : m.get(name);
      if (v == null) {
        return def;
      }
      Double d = toDouble(join(path, name), v);
      return d == null ? def : d;
    }

    private Double toDouble(String key, Object v) {
      if (v instanceof Number n) {
        double d = n.doubleValue();
        if (!Double.isFinite(d)) {
          err(key, v, "is not a finite number", "expected a number such as 0 or 12.5");
          return null;
        }
        return d;
      }
      err(key, v, "is not a number", "expected a number such as 0 or 12.5");
      return null;
    }

    private Long whole(
        Map<String, Object> m, String path, String name, Long def, long lo, long hi) {
      Object v = m == null ? null : m.get(name);
      if (v == null) {
        return def;
      }
      Long out = wholeValue(join(path, name), v, lo, hi);
      return out == null ? def : out;
    }

    /** A whole number in [lo, hi], or null after reporting why {@code v} is not one. */
    private Long wholeValue(String key, Object v, long lo, long hi) {
      String range =
          hi == Long.MAX_VALUE
              ? (lo == Long.MIN_VALUE ? "any whole number" : "a whole number >= " + lo)
              : "a whole number between " + lo + " and " + hi;
      Long out = null;
      if (v instanceof Integer || v instanceof Long) {
        out = ((Number) v).longValue();
      } else if (v instanceof BigInteger bi) {
        if (bi.bitLength() < 64) {
          out = bi.longValue();
        }
      } else if (v instanceof Double d && Double.isFinite(d) && d == Math.rint(d)) {
        BigDecimal bd = BigDecimal.valueOf(d);
        if (bd.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0) {
          out = bd.longValue();
        }
      }
      if (out == null) {
        err(
            key,
            v,
            v instanceof Number ? "is not a whole number in range" : "is not a whole number",
            "expected " + range);
        return null;
      }
      if (out < lo || out > hi) {
        err(key, v, "is out of range", "expected " + range);
        return null;
      }
      return out;
    }

    private Duration duration(
        Map<String, Object> m, String path, String name, Duration def, boolean zeroOk) {
      Object v = m == null ? null : m.get(name);
      if (v == null) {
        return def;
      }
      String key = join(path, name);
      if (!(v instanceof String s)) {
        err(
            key,
            v,
            v instanceof Number ? "has no unit" : "is not a duration",
            "expected " + Durations.FORMS);
        return def;
      }
      Duration d;
      try {
        d = Durations.parse(s);
      } catch (IllegalArgumentException e) {
        err(key, v, "is not a duration", "expected " + Durations.FORMS);
        return def;
      }
      if (d.isNegative() || (!zeroOk && d.isZero())) {
        err(
            key,
            v,
            zeroOk ? "is negative" : "is not positive",
            "expected a duration " + (zeroOk ? ">= 0" : "> 0") + " such as 5s");
        return def;
      }
      return d;
    }

    private <E> E choice(
        Map<String, Object> m,
        String path,
        String name,
        E def,
        Function<String, E> parse,
        String allowedNames) {
      Object v = m == null ? null : m.get(name);
      if (v == null) {
        return def;
      }
      E e = v instanceof String s ? parse.apply(s.trim()) : null;
      if (e == null) {
        err(join(path, name), v, "is not supported", "allowed: " + allowedNames);
        return def;
      }
      return e;
    }

    // ------------------------------------------------------------------ errors

    private void missing(String key, String fix) {
      errors.add(new SpecError(key, null, fix, key + ": missing required key; " + fix));
    }

    private void err(String key, Object value, String problem, String allowed) {
      String raw = raw(value);
      errors.add(
          new SpecError(
              key, raw, allowed, key + ": value " + show(value) + " " + problem + "; " + allowed));
    }

    private static String raw(Object v) {
      if (v instanceof Map) {
        return "a mapping";
      }
      if (v instanceof List) {
        return "a list";
      }
      return String.valueOf(v);
    }

    private static String show(Object v) {
      if (v instanceof String s) {
        return "\"" + s + "\"";
      }
      if (v instanceof Map<?, ?> m) {
        return "{" + String.join(", ", m.keySet().stream().map(String::valueOf).toList()) + "}";
      }
      if (v instanceof List<?> l) {
        String s = l.toString();
        return s.length() > 80 ? s.substring(0, 77) + "...]" : s;
      }
      return String.valueOf(v);
    }

    private static String oneLine(String s) {
      return s == null ? "" : s.replaceAll("\\s*\\n\\s*", " ").trim();
    }

    /** The closest allowed key (edit distance), or null when none is close. */
    static String suggest(String key, List<String> keys) {
      String best = null;
      int bestDist = Integer.MAX_VALUE;
      for (String k : keys) {
        int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
        if (d < bestDist) {
          bestDist = d;
          best = k;
        }
      }
      int limit = Math.max(2, key.length() / 3);
      return bestDist <= limit ? best : null;
    }

    private static int distance(String a, String b) {
      int[] prev = new int[b.length() + 1];
      int[] cur = new int[b.length() + 1];
      for (int j = 0; j <= b.length(); j++) {
        prev[j] = j;
      }
      for (int i = 1; i <= a.length(); i++) {
        cur[0] = i;
        for (int j = 1; j <= b.length(); j++) {
          int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
          cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
        }
        int[] t = prev;
        prev = cur;
        cur = t;
      }
      return prev[b.length()];
    }
  }
}
