package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every rendered FlinkDeployment against the CRD the Flink Kubernetes Operator releases
 * (org.apache.flink:flink-kubernetes-operator-api:1.10.0, {@code
 * META-INF/fabric8/flinkdeployments.flink.apache.org-v1beta1.yml}): the JSON Schema keywords of the
 * version's openAPIV3Schema (types, enums, required, patterns) with networknt's validator, and
 * unknown fields the way the API server's pruning and {@code kubectl --validate=strict} see them (a
 * field the schema does not declare is dropped, e.g. a native sidecar's {@code restartPolicy} on an
 * operator whose CRD predates it).
 */
class FlinkDeploymentCrdTest {
  /** The apiextensions.k8s.io/v1 CRD (the -v1beta1.yml file is the legacy CRD format). */
  private static final String CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";

  private static final ObjectMapper YAML = new YAMLMapper();
  private static JsonNode openApi;
  private static JsonSchema schema;

  @BeforeAll
  static void loadCrd() throws Exception {
    JsonNode crd;
    try (InputStream in = FlinkDeploymentCrdTest.class.getClassLoader().getResourceAsStream(CRD)) {
      assertThat(in).as(CRD + " on the test classpath").isNotNull();
      crd = YAML.readTree(in);
    }
    assertThat(crd.path("spec").path("group").asText()).isEqualTo("flink.apache.org");
    JsonNode version = null;
    for (JsonNode v : crd.path("spec").path("versions")) {
      if (v.path("name").asText().equals("v1beta1")) {
        version = v;
      }
    }
    assertThat(version).as("CRD version v1beta1").isNotNull();
    openApi = version.path("schema").path("openAPIV3Schema");
    assertThat(openApi.path("properties").path("spec").path("properties").has("podTemplate"))
        .as("the CRD's schema types spec.podTemplate")
        .isTrue();
    schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApi);
  }

  @ParameterizedTest
  @ValueSource(strings = {"default", "gcp-kafka", "terraform"})
  void renderedFlinkDeploymentMatchesTheOperatorsCrd(String valueSet) throws Exception {
    List<JsonNode> deployments = new ArrayList<>();
    for (String doc : RenderedManifests.text(valueSet).split("(?m)^---\\s*$")) {
      JsonNode node = YAML.readTree(doc);
      if (node != null && "FlinkDeployment".equals(node.path("kind").asText())) {
        deployments.add(node);
      }
    }
    assertThat(deployments).as("FlinkDeployments in rendered-" + valueSet).hasSize(1);
    JsonNode fd = deployments.get(0);
    assertThat(fd.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");

    Set<ValidationMessage> errors = schema.validate(fd);
    assertThat(errors.stream().map(ValidationMessage::getMessage).collect(Collectors.toList()))
        .as("JSON Schema errors")
        .isEmpty();
    List<String> unknown = new ArrayList<>();
    unknownFields("", fd, openApi, unknown);
    assertThat(unknown).as("fields the CRD does not declare (pruned by the API server)").isEmpty();
  }

  @Test
  void theCheckFindsWhatTheCrdDoesNotDeclare() {
    // the checks are not vacuous: a misspelt field and a wrong type are found
    Map<String, Object> bad =
        Map.of(
            "apiVersion",
            "flink.apache.org/v1beta1",
            "kind",
            "FlinkDeployment",
            "metadata",
            Map.of("name", "x"),
            "spec",
            Map.of("jobManagr", Map.of(), "job", Map.of("parallelism", "two")));
    JsonNode node = new ObjectMapper().valueToTree(bad);
    List<String> unknown = new ArrayList<>();
    unknownFields("", node, openApi, unknown);
    assertThat(unknown).containsExactly(".spec.jobManagr");
    assertThat(schema.validate(node)).isNotEmpty();
  }

  /**
   * Reports the paths of fields an object schema does not declare, unless it keeps unknown fields
   * (x-kubernetes-preserve-unknown-fields) or is a map (additionalProperties); metadata is the API
   * server's ObjectMeta, not part of the CRD's schema.
   */
  static void unknownFields(String path, JsonNode value, JsonNode schema, List<String> out) {
    if (schema == null || schema.isMissingNode() || value == null) {
      return;
    }
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (value.isObject()) {
      JsonNode props = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String p = path + "." + f.getKey();
        if (path.isEmpty() && Set.of("apiVersion", "kind", "metadata").contains(f.getKey())) {
          continue;
        }
        if (props.has(f.getKey())) {
          unknownFields(p, f.getValue(), props.get(f.getKey()), out);
        } else if (additional.isObject()) {
          unknownFields(p, f.getValue(), additional, out);
        } else if (!additional.asBoolean(false)) {
          out.add(p);
        }
      }
    } else if (value.isArray()) {
      int i = 0;
      for (JsonNode item : value) {
        unknownFields(path + "[" + i++ + "]", item, schema.path("items"), out);
      }
    }
  }
}
