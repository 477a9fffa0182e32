package io.driftgate.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What Katib checks when an {@code Experiment} is created, as far as it can be checked without a
 * cluster (see {@code src/test/resources/katib/SOURCE.md} for the vendored files and their
 * version):
 *
 * <ul>
 *   <li>the Go types, through the swagger definitions Katib generates from them (types, enums);
 *   <li>unknown fields: the CRD preserves them, so the API server accepts a misspelled field and
 *       Katib's controller silently ignores it. Here it is an error;
 *   <li>the validating webhook's rules ({@code pkg/webhook/v1beta1/experiment/validator}), ported
 *       one by one in {@link #webhook}, with the suggestion algorithms and trial resources of
 *       Katib's default {@code katib-config.yaml};
 *   <li>the trial template's conversion to a {@code batch/v1 Job} with no field lost (the webhook's
 *       {@code validatePatchJob}), done with the fabric8 model instead of Go's.
 * </ul>
 */
final class KatibExperimentRules {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final KubernetesSerialization KUBE = new KubernetesSerialization();

  /** Types the swagger file names but does not define (Kubernetes' own; checked elsewhere). */
  private static final Map<String, String> KUBERNETES_TYPES =
      Map.of(
          "v1.ObjectMeta", "object",
          "v1.ListMeta", "object",
          "v1.Time", "string",
          "v1.Container", "object",
          "v1.HTTPGetAction", "object",
          "v1.unstructured.Unstructured", "object");

  private static final Pattern NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern PARAM_PLACEHOLDER = Pattern.compile("\\$\\{trialParameters\\..+?}");
  private static final Pattern META_REFERENCE = Pattern.compile("\\$\\{trialSpec\\.(.+?)}");
  private static final Pattern META_INDEXED = Pattern.compile("(.+)\\[(.+)]");
  private static final Set<String> META_KEYS =
      Set.of("Name", "Namespace", "Kind", "APIVersion", "Annotations", "Labels");
  private static final Set<String> PARAMETER_TYPES =
      Set.of("int", "double", "categorical", "discrete", "");
  private static final Set<String> DISTRIBUTIONS =
      Set.of("uniform", "logUniform", "normal", "logNormal", "");
  private static final Set<String> RESUME_POLICIES =
      Set.of("", "Never", "LongRunning", "FromVolume");
  private static final Set<String> COLLECTOR_KINDS =
      Set.of("StdOut", "File", "TensorFlowEvent", "PrometheusMetric", "Custom", "Push");

  private final JsonNode definitions;
  private final JsonSchema experimentSchema;
  private final Set<String> algorithms = new HashSet<>();
  private final Set<String> earlyStopping = new HashSet<>();
  private final Set<String> trialResources = new HashSet<>();

  KatibExperimentRules() {
    ObjectNode swagger = (ObjectNode) read("katib/v1beta1/swagger.json", JSON);
    ObjectNode defs = (ObjectNode) swagger.get("definitions");
    KUBERNETES_TYPES.forEach((name, type) -> defs.putObject(name).put("type", type));
    this.definitions = defs;
    ObjectNode root = JSON.createObjectNode();
    root.set("definitions", defs);
    root.put("$ref", "#/definitions/v1beta1.Experiment");
    this.experimentSchema =
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(root);
    JsonNode config = read("katib/v1beta1/katib-config.yaml", YAML);
    config
        .path("runtime")
        .path("suggestions")
        .forEach(s -> algorithms.add(s.path("algorithmName").asText()));
    config
        .path("runtime")
        .path("earlyStoppings")
        .forEach(s -> earlyStopping.add(s.path("algorithmName").asText()));
    config
        .path("init")
        .path("controller")
        .path("trialResources")
        .forEach(r -> trialResources.add(r.asText()));
  }

  /** The suggestion algorithms Katib's default configuration serves. */
  Set<String> algorithms() {
    return Set.copyOf(algorithms);
  }

  /** Every problem Katib would have with {@code experiment}; empty when it would accept it. */
  List<String> check(JsonNode experiment) {
    List<String> errors = new ArrayList<>();
    for (ValidationMessage m : experimentSchema.validate(experiment)) {
      errors.add("type: " + m.getMessage());
    }
    unknownFields(experiment, definitions.get("v1beta1.Experiment"), "", errors);
    webhook(experiment, errors);
    return errors;
  }

  private void unknownFields(JsonNode value, JsonNode schema, String path, List<String> errors) {
    schema = resolve(schema);
    if (schema == null || value == null) {
      return;
    }
    JsonNode properties = schema.get("properties");
    if (value.isObject() && properties != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String p = path + "." + f.getKey();
        if (!properties.has(f.getKey())) {
          errors.add("unknown field " + p.substring(1) + " (Katib ignores it)");
        } else {
          unknownFields(f.getValue(), properties.get(f.getKey()), p, errors);
        }
      }
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        unknownFields(value.get(i), schema.get("items"), path + "[" + i + "]", errors);
      }
    }
  }

  private JsonNode resolve(JsonNode schema) {
    while (schema != null && schema.has("$ref")) {
      schema = definitions.get(schema.get("$ref").asText().substring("#/definitions/".length()));
    }
    return schema;
  }

  /** {@code ValidateExperiment} of Katib's validating webhook, for a new Experiment. */
  private void webhook(JsonNode e, List<String> errors) {
    String name = e.path("metadata").path("name").asText();
    if (!NAME.matcher(name).lookingAt() || name.length() > 40) {
      errors.add(
          "metadata.name: "
              + name
              + " must match ^[a-z]([-a-z0-9]*[a-z0-9])? and may not be longer than 40 characters");
    }
    JsonNode spec = e.path("spec");
    Integer maxFailed = optInt(spec, "maxFailedTrialCount");
    Integer maxTrials = optInt(spec, "maxTrialCount");
    Integer parallel = optInt(spec, "parallelTrialCount");
    if (maxFailed != null && maxFailed < 0) {
      errors.add("spec.maxFailedTrialCount: should not be less than 0");
    }
    if (maxTrials != null && maxTrials <= 0) {
      errors.add("spec.maxTrialCount: must be greater than 0");
    }
    if (parallel != null && parallel <= 0) {
      errors.add("spec.parallelTrialCount: must be greater than 0");
    }
    if (maxFailed != null && maxTrials != null && maxFailed > maxTrials) {
      errors.add("spec.maxFailedTrialCount: should be less than or equal to spec.maxTrialCount");
    }
    if (parallel != null && maxTrials != null && parallel > maxTrials) {
      errors.add("spec.parallelTrialCount: should be less than or equal to spec.maxTrialCount");
    }
    JsonNode objective = spec.get("objective");
    if (objective == null) {
      errors.add("spec.objective: must be specified");
      return;
    }
    String type = objective.path("type").asText();
    if (!type.equals("minimize") && !type.equals("maximize")) {
      errors.add("spec.objective.type: " + type + " must be minimize or maximize");
    }
    String metric = objective.path("objectiveMetricName").asText();
    if (metric.isEmpty()) {
      errors.add("spec.objective.objectiveMetricName: must be specified");
    }
    for (JsonNode m : objective.path("additionalMetricNames")) {
      if (m.asText().equals(metric)) {
        errors.add(
            "spec.objective.additionalMetricNames: should not contain"
                + " spec.objective.objectiveMetricName");
      }
    }
    JsonNode algorithm = spec.get("algorithm");
    if (algorithm == null) {
      errors.add("spec.algorithm: must be specified");
    } else if (!algorithms.contains(algorithm.path("algorithmName").asText())) {
      errors.add(
          "spec.algorithm.algorithmName: "
              + algorithm.path("algorithmName").asText()
              + " has no suggestion in katib-config (one of "
              + algorithms
              + ")");
    }
    if (spec.has("earlyStopping")
        && !earlyStopping.contains(spec.path("earlyStopping").path("algorithmName").asText())) {
      errors.add("spec.earlyStopping.algorithmName: no early stopping of that name");
    }
    if (!RESUME_POLICIES.contains(spec.path("resumePolicy").asText(""))) {
      errors.add("spec.resumePolicy: invalid ResumePolicyType");
    }
    trialTemplate(spec, errors);
    JsonNode parameters = spec.path("parameters");
    if (parameters.isEmpty() && !spec.has("nasConfig")) {
      errors.add("spec: spec.parameters or spec.nasConfig must be specified");
    }
    if (!parameters.isEmpty() && spec.has("nasConfig")) {
      errors.add("spec: only one of spec.parameters and spec.nasConfig can be specified");
    }
    for (int i = 0; i < parameters.size(); i++) {
      parameter(parameters.get(i), "spec.parameters[" + i + "]", errors);
    }
    String collector =
        spec.path("metricsCollectorSpec").path("collector").path("kind").asText("StdOut");
    if (!COLLECTOR_KINDS.contains(collector)) {
      errors.add("spec.metricsCollectorSpec.collector.kind: invalid metrics collector kind");
    }
  }

  private static void parameter(JsonNode p, String path, List<String> errors) {
    String type = p.path("parameterType").asText("");
    if (!PARAMETER_TYPES.contains(type)) {
      errors.add(path + ".parameterType: " + type + " is not supported");
    }
    JsonNode space = p.path("feasibleSpace");
    if (!DISTRIBUTIONS.contains(space.path("distribution").asText(""))) {
      errors.add(path + ".feasibleSpace.distribution: not supported");
    }
    if (space.isEmpty()) {
      errors.add(path + ".feasibleSpace: must be specified");
      return;
    }
    boolean range = space.has("min") || space.has("max") || space.has("step");
    if (type.equals("int") || type.equals("double")) {
      if (!space.path("list").isEmpty()) {
        errors.add(path + ".feasibleSpace.list: not supported for parameterType " + type);
      }
      if (!space.has("min") || !space.has("max")) {
        errors.add(path + ".feasibleSpace.max: min and max must be specified for " + type);
      }
    } else if ((type.equals("categorical") || type.equals("discrete")) && range) {
      errors.add(path + ".feasibleSpace: .max, .min and .step are not supported for " + type);
    }
  }

  private void trialTemplate(JsonNode spec, List<String> errors) {
    JsonNode t = spec.get("trialTemplate");
    String path = "spec.trialTemplate";
    if (t == null) {
      errors.add(path + ": must be specified");
      return;
    }
    if (t.path("primaryContainerName").asText().isEmpty()) {
      errors.add(path + ".primaryContainerName: must be specified");
    }
    if (t.path("successCondition").asText().isEmpty()
        || t.path("failureCondition").asText().isEmpty()) {
      errors.add(path + ": successCondition and failureCondition must be specified");
    }
    if (!t.has("trialParameters")) {
      errors.add(path + ".trialParameters: must be specified");
      return;
    }
    if (t.has("trialSpec") == t.has("configMap")) {
      errors.add(path + ": exactly one of trialSpec or configMap must be specified");
      return;
    }
    if (!t.has("trialSpec")) {
      return; // the template lives in a ConfigMap the cluster holds
    }
    String template;
    try {
      template = JSON.writeValueAsString(t.get("trialSpec"));
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    Set<String> experimentParameters = new HashSet<>();
    spec.path("parameters").forEach(p -> experimentParameters.add(p.path("name").asText()));
    Set<String> names = new HashSet<>();
    Set<String> references = new HashSet<>();
    JsonNode trialParameters = t.path("trialParameters");
    for (int i = 0; i < trialParameters.size(); i++) {
      JsonNode p = trialParameters.get(i);
      String at = path + ".trialParameters[" + i + "]";
      String name = p.path("name").asText();
      String reference = p.path("reference").asText();
      if (name.isEmpty() || reference.isEmpty() || name.contains("{") || name.contains("}")) {
        errors.add(at + ": name and reference must be specified, name without '{' or '}'");
        continue;
      }
      if (!names.add(name)) {
        errors.add(at + ".name: " + name + " is duplicated");
        continue;
      }
      if (!references.add(reference)) {
        errors.add(at + ".reference: " + reference + " is duplicated");
        continue;
      }
      if (!experimentParameters.isEmpty()
          && !isMetaKey(reference)
          && !experimentParameters.contains(reference)) {
        errors.add(at + ".reference: " + reference + " does not exist in spec.parameters");
      }
      String placeholder = "${trialParameters." + name + "}";
      if (!template.contains(placeholder)) {
        errors.add(at + ".name: " + name + " is not used in spec.trialTemplate");
        return;
      }
      template = template.replace(placeholder, "test-value");
    }
    Matcher left = PARAM_PLACEHOLDER.matcher(template);
    List<String> unknown = new ArrayList<>();
    while (left.find()) {
      unknown.add(left.group());
    }
    if (!unknown.isEmpty()) {
      errors.add(path + ": " + unknown + " are not in spec.trialTemplate.trialParameters");
    }
    JsonNode trial;
    try {
      trial = JSON.readTree(template);
    } catch (IOException ex) {
      errors.add(path + ": not JSON after substitution: " + ex.getMessage());
      return;
    }
    JsonNode meta = trial.path("metadata");
    if (meta.has("name") || meta.has("namespace")) {
      errors.add(path + ": metadata.name and metadata.namespace must be omitted");
    }
    String apiVersion = trial.path("apiVersion").asText();
    String kind = trial.path("kind").asText();
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      errors.add(path + ": APIVersion and Kind must be specified");
      return;
    }
    // The controller watches only the kinds in katib-config's trialResources.
    String[] gv =
        apiVersion.contains("/") ? apiVersion.split("/", 2) : new String[] {"", apiVersion};
    String resource = kind + "." + gv[1] + (gv[0].isEmpty() ? "" : "." + gv[0]);
    if (!trialResources.contains(resource)) {
      errors.add(path + ": " + resource + " is not a trial resource of katib-config");
    }
    if (apiVersion.equals("batch/v1") && kind.equals("Job")) {
      jobConversion(trial, path, errors);
      primaryContainer(trial, t.path("primaryContainerName").asText(), path, errors);
    }
  }

  /**
   * {@code validatePatchJob}: a field the Job type does not hold would be lost. fabric8 keeps such
   * fields in each object's {@code additionalProperties} (Go drops them), so those count as lost.
   */
  private static void jobConversion(JsonNode trial, String path, List<String> errors) {
    Job job;
    JsonNode converted;
    try {
      job = KUBE.unmarshal(trial.toString(), Job.class);
      converted = JSON.readTree(KUBE.asJson(job));
    } catch (IOException | RuntimeException ex) {
      errors.add(path + ": cannot convert to a batch/v1 Job: " + ex.getMessage());
      return;
    }
    unheld(
        job,
        "",
        path,
        errors,
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
    lost(trial, converted, "", path, errors);
  }

  /** Fields a fabric8 model object received but does not declare. */
  private static void unheld(
      Object o, String at, String path, List<String> errors, Set<Object> seen) {
    if (o == null || !seen.add(o)) {
      return;
    }
    if (o instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        unheld(list.get(i), at + "/" + i, path, errors, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> map) {
      map.forEach((k, v) -> unheld(v, at + "/" + k, path, errors, seen));
      return;
    }
    if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
      return;
    }
    for (java.lang.reflect.Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || !m.getName().startsWith("get")
          || m.getName().equals("getClass")) {
        continue;
      }
      Object v;
      try {
        v = m.invoke(o);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
      if (m.getName().equals("getAdditionalProperties") && v instanceof Map<?, ?> extra) {
        for (Object k : extra.keySet()) {
          errors.add(path + ": " + at + "/" + k + " is lost converting to a Job");
        }
      } else {
        unheld(v, at + "/" + field, path, errors, seen);
      }
    }
  }

  private static void lost(
      JsonNode before, JsonNode after, String at, String path, List<String> errors) {
    if (at.contains("/resources/limits/") || at.contains("/resources/requests/")) {
      return; // device plugin resources
    }
    if (before.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = before.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode a = after == null ? null : after.get(f.getKey());
        if (a == null || a.isNull()) {
          if (!f.getValue().isNull()) {
            errors.add(path + ": " + at + "/" + f.getKey() + " is lost converting to a Job");
          }
        } else {
          lost(f.getValue(), a, at + "/" + f.getKey(), path, errors);
        }
      }
    } else if (before.isArray()) {
      for (int i = 0; i < before.size(); i++) {
        lost(before.get(i), after == null ? null : after.get(i), at + "/" + i, path, errors);
      }
    } else if (after == null || !before.asText().equals(after.asText())) {
      errors.add(path + ": " + at + " changes converting to a Job");
    }
  }

  /** The controller injects the metrics collector next to the primary container: it must exist. */
  private static void primaryContainer(JsonNode job, String name, String path, List<String> e) {
    for (JsonNode c : job.path("spec").path("template").path("spec").path("containers")) {
      if (c.path("name").asText().equals(name)) {
        return;
      }
    }
    e.add(path + ".primaryContainerName: no container " + name + " in the trial's pod");
  }

  private static boolean isMetaKey(String reference) {
    Matcher m = META_REFERENCE.matcher(reference);
    if (!m.find()) {
      return false;
    }
    String key = m.group(1);
    if (META_KEYS.contains(key)) {
      return true;
    }
    Matcher indexed = META_INDEXED.matcher(key);
    return indexed.matches() && META_KEYS.contains(indexed.group(1));
  }

  private static Integer optInt(JsonNode n, String field) {
    return n.has(field) ? n.get(field).asInt() : null;
  }

  private static JsonNode read(String resource, ObjectMapper mapper) {
    try (InputStream in =
        KatibExperimentRules.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is not on the test classpath");
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
