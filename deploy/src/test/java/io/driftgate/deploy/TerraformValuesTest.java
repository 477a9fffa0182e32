package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's proof that Terraform and the chart connect: {@code helm/driftgate/ci/
 * terraform-values.yaml} is what the module's {@code helm_values} output yields for the dev example
 * (evaluated here from the HCL, key by key), and the release rendered from it (validate.sh: {@code
 * rendered-terraform.yaml}) uses exactly the names Terraform creates: Kubernetes and Google service
 * accounts, buckets, the Cloud SQL instance and IAM database users, images, Kafka properties.
 */
class TerraformValuesTest {
  private static TerraformHcl tf;
  private static Map<String, Object> values;
  private static List<HasMetadata> docs;

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void load() throws Exception {
    tf = TerraformHcl.devExample();
    values =
        Serialization.unmarshal(
            Files.readString(
                RenderedManifests.CHART.resolve("ci/terraform-values.yaml"),
                StandardCharsets.UTF_8),
            Map.class);
    docs = RenderedManifests.load("terraform");
  }

  /** Flattens nested maps to dotted keys; lists and scalars are leaves. */
  private static Map<String, Object> flat(Object o) {
    Map<String, Object> out = new TreeMap<>();
    flat("", o, out);
    return out;
  }

  private static void flat(String prefix, Object o, Map<String, Object> out) {
    if (o instanceof Map<?, ?> m && !m.isEmpty()) {
      m.forEach((k, v) -> flat(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, out));
    } else {
      out.put(prefix, o instanceof Map<?, ?> ? Map.of() : o);
    }
  }

  @Test
  void checkedInValuesAreTheTerraformOutputKeyByKey() {
    Map<String, Object> fromTerraform = flat(tf.helmValues());
    Map<String, Object> checkedIn = flat(values);
    assertThat(checkedIn).containsExactlyInAnyOrderEntriesOf(fromTerraform);
    // the evaluation is not vacuous: the dev example's names came out of the HCL
    assertThat(fromTerraform)
        .containsEntry("storage.lakeWarehouse", "gs://my-gcp-project-driftgate-dev-lake/lake")
        .containsEntry("database.credentials", "iam")
        .containsEntry("kafka.properties.security.protocol", "SASL_SSL");
  }

  @Test
  void serviceAccountsAreTheWorkloadIdentityBindings() {
    Map<String, Object> workloads = TerraformHcl.map(tf.var("workloads"));
    for (String c : List.of("ingest", "launcher", "trainer")) {
      String ksa = (String) workloads.get(c + "_ksa");
      String gsa = (String) tf.resourceAttr("google_service_account", c, "email");
      ServiceAccount sa = one(ServiceAccount.class, ksa);
      assertThat(sa.getMetadata().getAnnotations())
          .containsEntry("iam.gke.io/gcp-service-account", gsa);
    }
    assertThat(workloads.get("namespace")).isEqualTo(RenderedManifests.NAMESPACE);
    Deployment launcher = one(Deployment.class, "drift-driftgate-launcher");
    assertThat(launcher.getSpec().getTemplate().getSpec().getServiceAccountName())
        .isEqualTo(workloads.get("launcher_ksa"));
    assertThat(flinkSpec().get("serviceAccount")).isEqualTo(workloads.get("ingest_ksa"));
    assertThat(launcherSection().get("serviceAccount")).isEqualTo(workloads.get("trainer_ksa"));
  }

  @Test
  void bucketsAndDatabaseAreTheOnesTerraformCreates() {
    Map<String, Object> spec = RenderedChartTest.renderedSpec(docs);
    String lake = (String) tf.resourceAttr("google_storage_bucket", "lake", "url");
    String models = (String) tf.resourceAttr("google_storage_bucket", "registry", "url");
    String state = (String) tf.resourceAttr("google_storage_bucket", "state", "url");
    String db = (String) tf.resourceAttr("google_sql_database", "state", "name");
    Map<String, Object> catalog =
        TerraformHcl.map(TerraformHcl.map(spec.get("lake")).get("catalog"));
    assertThat((String) catalog.get("warehouse")).startsWith(lake + "/");
    assertThat(catalog.get("uri")).isEqualTo("jdbc:postgresql://127.0.0.1:5432/" + db);
    Map<String, Object> st = TerraformHcl.map(spec.get("state"));
    assertThat((String) st.get("artifacts")).startsWith(models + "/");
    assertThat(TerraformHcl.map(st.get("database")).get("url")).isEqualTo(catalog.get("uri"));
    Map<String, Object> conf = TerraformHcl.map(flinkSpec().get("flinkConfiguration"));
    for (String key :
        List.of("state.checkpoints.dir", "state.savepoints.dir", "high-availability.storageDir")) {
      assertThat((String) conf.get(key)).startsWith(state + "/");
    }
    // the lifecycle rule expires checkpoints/ only: the chart's checkpoint dir is under it
    assertThat((String) conf.get("state.checkpoints.dir")).startsWith(state + "/checkpoints/");
    assertThat((String) conf.get("state.savepoints.dir")).doesNotContain("/checkpoints/");
  }

  @Test
  void podsLogInAsTheIamDatabaseUsersThroughTheProxyOfTheInstance() {
    String instance =
        (String) tf.resourceAttr("google_sql_database_instance", "state", "connection_name");
    Map<String, PodSpec> pods =
        Map.of(
            "launcher",
            one(Deployment.class, "drift-driftgate-launcher").getSpec().getTemplate().getSpec(),
            "ingest",
            Serialization.unmarshal(
                Serialization.asJson(TerraformHcl.map(flinkSpec().get("podTemplate")).get("spec")),
                PodSpec.class));
    for (Map.Entry<String, PodSpec> e : pods.entrySet()) {
      // Terraform's google_sql_user: the service account email without .gserviceaccount.com
      String email = (String) tf.resourceAttr("google_service_account", e.getKey(), "email");
      String iamUser = email.substring(0, email.length() - ".gserviceaccount.com".length());
      PodSpec pod = e.getValue();
      Container proxy =
          pod.getInitContainers().stream()
              .filter(c -> c.getName().equals("cloud-sql-proxy"))
              .findFirst()
              .orElseThrow();
      assertThat(proxy.getRestartPolicy()).isEqualTo("Always"); // a native sidecar
      assertThat(proxy.getArgs()).contains("--auto-iam-authn", "--private-ip", "--port=5432");
      assertThat(proxy.getArgs().get(proxy.getArgs().size() - 1)).isEqualTo(instance);
      Map<String, EnvVar> env =
          pod.getContainers().get(0).getEnv().stream()
              .collect(Collectors.toMap(EnvVar::getName, v -> v));
      assertThat(env.get("DRIFTGATE_DB_USER").getValue()).isEqualTo(iamUser);
      assertThat(env.get("DRIFTGATE_DB_USER").getValueFrom()).isNull();
      assertThat(env.get("DRIFTGATE_DB_PASSWORD").getValue()).isEmpty();
      assertThat(pod.getVolumes())
          .noneMatch(v -> v.getSecret() != null && v.getName().startsWith("db"));
    }
  }

  @Test
  void imagesKafkaAndGpuPoolsResolve() {
    String registry =
        tf.resourceAttr("google_artifact_registry_repository", "images", "location")
            + "-docker.pkg.dev/"
            + tf.var("project_id")
            + "/"
            + tf.resourceAttr("google_artifact_registry_repository", "images", "repository_id");
    Deployment launcher = one(Deployment.class, "drift-driftgate-launcher");
    assertThat(launcher.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .startsWith(registry + "/driftgate-launcher:");
    assertThat((String) flinkSpec().get("image")).startsWith(registry + "/driftgate-streaming:");
    assertThat((String) launcherSection().get("image"))
        .startsWith(registry + "/driftgate-trainer:")
        .endsWith("-gpu");
    Map<String, Object> kafka =
        TerraformHcl.map(
            TerraformHcl.map(RenderedChartTest.renderedSpec(docs).get("source")).get("kafka"));
    assertThat(kafka.get("bootstrapServers"))
        .isEqualTo(
            "bootstrap.driftgate-dev-kafka.us-central1.managedkafka.my-gcp-project.cloud.goog:9092");
    assertThat(TerraformHcl.map(kafka.get("properties")))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "OAUTHBEARER");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> pools = (List<Map<String, Object>>) tf.var("gpu_pools");
    assertThat(launcherSection().get("gpuPools"))
        .isEqualTo(pools.stream().map(p -> p.get("name")).toList());
  }

  @Test
  void theCiIdentityMayCreateRetrainJobsFromTheCronJob() {
    CronJob cron = one(CronJob.class, "drift-driftgate-retrain");
    PodSpec pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName())
        .isEqualTo(TerraformHcl.map(tf.var("workloads")).get("launcher_ksa"));
    assertThat(pod.getContainers().get(0).getArgs()).contains("request", "--reason=schedule");
    assertThat(pod.getInitContainers())
        .extracting(Container::getName)
        .containsExactly("cloud-sql-proxy");
    String ci = (String) tf.resourceAttr("google_service_account", "ci", "email");
    RoleBinding binding = one(RoleBinding.class, "drift-driftgate-retrain-trigger");
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("User");
              assertThat(s.getName()).isEqualTo(ci);
            });
    Role role = one(Role.class, "drift-driftgate-retrain-trigger");
    assertThat(role.getRules())
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).containsExactly("cronjobs");
              assertThat(r.getResourceNames()).containsExactly("drift-driftgate-retrain");
              assertThat(r.getVerbs()).containsExactly("get");
            })
        .anySatisfy(
            r -> {
              assertThat(r.getResources()).containsExactly("jobs");
              assertThat(r.getVerbs()).containsExactly("create");
            })
        .hasSize(2);
  }

  private static <T extends HasMetadata> T one(Class<T> type, String name) {
    return docs.stream()
        .filter(type::isInstance)
        .map(type::cast)
        .filter(d -> d.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
  }

  private static GenericKubernetesResource flink() {
    return docs.stream()
        .filter(d -> d.getKind().equals("FlinkDeployment"))
        .map(GenericKubernetesResource.class::cast)
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, Object> flinkSpec() {
    return TerraformHcl.map(flink().getAdditionalProperties().get("spec"));
  }

  private static Map<String, Object> launcherSection() {
    return TerraformHcl.map(RenderedChartTest.renderedSpec(docs).get("launcher"));
  }
}
