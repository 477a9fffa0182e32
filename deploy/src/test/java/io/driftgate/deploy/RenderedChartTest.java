package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Asserts what matters in the chart as rendered with its default values. */
class RenderedChartTest {
  private static final String PREFIX = RenderedManifests.RELEASE + "-driftgate";

  /** The images' data directory, where the chart's pods and the launcher's Jobs mount one. */
  static final String DATA_DIR = io.driftgate.launcher.JobRenderer.DATA_DIR;

  private static String rendered;
  private static List<HasMetadata> docs;

  @BeforeAll
  static void load() throws Exception {
    rendered = RenderedManifests.text("default");
    docs = RenderedManifests.load("default");
  }

  private static <T extends HasMetadata> T one(Class<T> type, String name) {
    List<T> found =
        docs.stream()
            .filter(type::isInstance)
            .map(type::cast)
            .filter(d -> d.getMetadata().getName().equals(name))
            .toList();
    assertThat(found).as("%s %s", type.getSimpleName(), name).hasSize(1);
    return found.get(0);
  }

  /** The release (chart) version: the POM version without -SNAPSHOT, the images' default tag. */
  static String releaseVersion() throws Exception {
    return pomVersion().replace("-SNAPSHOT", "");
  }

  private static String pomVersion() throws Exception {
    String pom = Files.readString(RenderedManifests.REPO_ROOT.resolve("pom.xml"));
    Matcher m =
        Pattern.compile("<artifactId>driftgate-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(pom);
    assertThat(m.find()).as("root POM version").isTrue();
    return m.group(1);
  }

  /**
   * The images point DJL's cache into the data directory the chart and the Jobs mount (their root
   * filesystem is read-only), and declare it as a volume.
   */
  @Test
  void imagesUseTheDataDirectoryThePodsMount() throws Exception {
    String root = Files.readString(RenderedManifests.REPO_ROOT.resolve("pom.xml"));
    assertThat(root).contains("<driftgate.data.dir>" + DATA_DIR + "</driftgate.data.dir>");
    for (String module : List.of("cli", "streaming")) {
      String pom = Files.readString(RenderedManifests.REPO_ROOT.resolve(module + "/pom.xml"));
      String djlCache = "<DJL_CACHE_DIR>${driftgate.data.dir}/djl</DJL_CACHE_DIR>";
      assertThat(pom)
          .as(module + "/pom.xml")
          .contains(djlCache)
          .contains("<volume>${driftgate.data.dir}</volume>");
      // every image's DJL cache is the one under the data directory (no other path is set)
      assertThat(pom.split("<DJL_CACHE_DIR>", -1).length)
          .as(module + "/pom.xml: DJL_CACHE_DIR settings")
          .isEqualTo(pom.split(java.util.regex.Pattern.quote(djlCache), -1).length);
    }
  }

  @Test
  void chartVersionFollowsTheRootPom() throws Exception {
    String chart = Files.readString(RenderedManifests.CHART.resolve("Chart.yaml"));
    String version = pomVersion();
    assertThat(chart).containsPattern("(?m)^appVersion: " + Pattern.quote(version) + "$");
    assertThat(chart)
        .containsPattern("(?m)^version: " + Pattern.quote(version.replace("-SNAPSHOT", "")) + "$");
    // indexed Jobs' backoffLimitPerIndex (tuning) and native sidecars (Cloud SQL Auth Proxy)
    assertThat(chart).containsPattern("(?m)^kubeVersion: \">=1\\.29\\.0-0\"$");
  }

  @Test
  void launcherRoleAllowsOnlyJobsPodReadsAndItsLease() {
    Role role = one(Role.class, PREFIX + "-launcher");
    assertThat(role.getRules()).hasSize(4);
    PolicyRule jobs = role.getRules().get(0);
    assertThat(jobs.getApiGroups()).containsExactly("batch");
    assertThat(jobs.getResources()).containsExactly("jobs");
    assertThat(jobs.getVerbs())
        .containsExactlyInAnyOrder("create", "get", "list", "watch", "delete");
    PolicyRule pods = role.getRules().get(1);
    assertThat(pods.getApiGroups()).containsExactly("");
    assertThat(pods.getResources()).containsExactlyInAnyOrder("pods", "pods/log");
    assertThat(pods.getVerbs()).containsExactlyInAnyOrder("get", "list", "watch");
    // Leader election: create a Lease (create cannot be limited by name), read and renew only the
    // launchers' one, the name the Deployment passes as --lease-name.
    PolicyRule createLease = role.getRules().get(2);
    assertThat(createLease.getApiGroups()).containsExactly("coordination.k8s.io");
    assertThat(createLease.getResources()).containsExactly("leases");
    assertThat(createLease.getVerbs()).containsExactly("create");
    assertThat(createLease.getResourceNames()).isNullOrEmpty();
    PolicyRule lease = role.getRules().get(3);
    assertThat(lease.getApiGroups()).containsExactly("coordination.k8s.io");
    assertThat(lease.getResources()).containsExactly("leases");
    assertThat(lease.getResourceNames()).containsExactly(PREFIX + "-launcher");
    assertThat(lease.getVerbs()).containsExactlyInAnyOrder("get", "update", "patch");
    Container c =
        one(Deployment.class, PREFIX + "-launcher")
            .getSpec()
            .getTemplate()
            .getSpec()
            .getContainers()
            .get(0);
    assertThat(c.getArgs()).contains("--lease-name=" + PREFIX + "-launcher");
    assertThat(role.getRules())
        .flatMap(PolicyRule::getVerbs)
        .doesNotContain("*", "escalate", "bind", "impersonate");
    assertThat(role.getRules())
        .filteredOn(r -> r.getVerbs().contains("update") || r.getVerbs().contains("patch"))
        .allSatisfy(r -> assertThat(r.getResources()).containsExactly("leases"));

    RoleBinding binding = one(RoleBinding.class, PREFIX + "-launcher");
    assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getKind()).isEqualTo("ServiceAccount");
              assertThat(s.getName()).isEqualTo("driftgate-launcher");
              assertThat(s.getNamespace()).isEqualTo(RenderedManifests.NAMESPACE);
            });
    assertThat(docs).noneMatch(d -> d.getKind().startsWith("Cluster"));
  }

  @Test
  void serviceAccountsUseWorkloadIdentity() {
    for (String component : List.of("ingest", "launcher", "trainer")) {
      ServiceAccount sa = one(ServiceAccount.class, "driftgate-" + component);
      assertThat(sa.getMetadata().getAnnotations())
          .hasEntrySatisfying(
              "iam.gke.io/gcp-service-account",
              v ->
                  assertThat(v)
                      .matches(
                          "driftgate-" + component + "@[a-z0-9-]+\\.iam\\.gserviceaccount\\.com"));
    }
    assertThat(one(ServiceAccount.class, "driftgate-trainer").getAutomountServiceAccountToken())
        .isFalse();
    assertThat(one(ServiceAccount.class, "driftgate-launcher").getAutomountServiceAccountToken())
        .isTrue();
  }

  @Test
  void launcherIsLockedDownProbedAndRestartsOnSpecChanges() throws Exception {
    Deployment d = one(Deployment.class, PREFIX + "-launcher");
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("driftgate-launcher");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

    Container c = pod.getContainers().get(0);
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    // one tagging scheme: the chart's version, which release.yml pushes (immutable tags)
    assertThat(c.getImage()).endsWith("/driftgate-launcher:" + releaseVersion());
    assertThat(c.getArgs())
        .containsExactly(
            "launcher",
            "--spec=/etc/driftgate/driftgate.yaml",
            "--http-port=8080",
            "--leader-election=kubernetes",
            "--lease-name=" + PREFIX + "-launcher",
            "--lease-duration=15s",
            "--renew-deadline=10s",
            "--retry-period=2s",
            "--listen=0.0.0.0",
            "--http-token-file=/var/run/secrets/driftgate/launcher-http/token");
    assertThat(c.getPorts()).anySatisfy(p -> assertThat(p.getContainerPort()).isEqualTo(8080));
    for (var probe : List.of(c.getLivenessProbe(), c.getStartupProbe())) {
      assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
      assertThat(probe.getHttpGet().getPort().getStrVal()).isEqualTo("http");
    }
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");

    // Two replicas, one leading on the Lease; the standby prefers another node.
    assertThat(d.getSpec().getReplicas()).isEqualTo(2);
    assertThat(d.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(env(c).get("POD_NAME").getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("metadata.name");
    var anti =
        pod.getAffinity().getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
    assertThat(anti)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getPodAffinityTerm().getTopologyKey())
                  .isEqualTo("kubernetes.io/hostname");
              assertThat(t.getPodAffinityTerm().getLabelSelector().getMatchLabels())
                  .isEqualTo(d.getSpec().getSelector().getMatchLabels());
            });

    // The database credentials come from the Secret, as environment variables by default.
    assertDbSecretEnv(c, "driftgate-db", "username", "password");

    // The spec at /etc/driftgate, /tmp and the data directory (lake.path's local state, DJL's
    // cache) as emptyDirs and the endpoint's token, no data volume: the lake through its catalog
    // and gs:// warehouse, artifacts through their API, state in the database.
    assertThat(mountPaths(c))
        .containsOnly(
            Map.entry("spec", "/etc/driftgate"),
            Map.entry("tmp", "/tmp"),
            Map.entry("local-data", DATA_DIR),
            Map.entry("http-token", "/var/run/secrets/driftgate/launcher-http"));
    assertThat(volume(pod, "spec").getConfigMap().getName()).isEqualTo(PREFIX + "-spec");
    assertThat(volume(pod, "tmp").getEmptyDir()).isNotNull();
    assertThat(volume(pod, "local-data").getEmptyDir()).isNotNull();
    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .containsExactly("spec", "tmp", "local-data", "http-token");
    assertThat(pod.getVolumes())
        .allSatisfy(
            v -> {
              assertThat(v.getPersistentVolumeClaim()).isNull();
              assertThat(v.getCsi()).isNull();
            });
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsOnlyKeys("checksum/spec");

    // The checksum is the sha256 of the spec ConfigMap template's output, as Helm computes it
    // (the output keeps the newlines around the {{- if }} block, which helm template trims).
    String body = RenderedManifests.templateText(rendered, "launcher/configmap.yaml").strip();
    List<String> candidates =
        List.of("\n" + body + "\n", body, body + "\n").stream().map(t -> sha256(t)).toList();
    assertThat(d.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/spec"))
        .isIn(candidates);
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume " + name));
  }

  static Map<String, String> mountPaths(Container c) {
    return c.getVolumeMounts().stream()
        .collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath));
  }

  static Map<String, EnvVar> env(Container c) {
    return c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
  }

  /** DRIFTGATE_DB_USER and DRIFTGATE_DB_PASSWORD from the Secret's keys, no literal value. */
  static void assertDbSecretEnv(Container c, String secret, String userKey, String passwordKey) {
    Map<String, EnvVar> env = env(c);
    for (Map.Entry<String, String> e :
        Map.of("DRIFTGATE_DB_USER", userKey, "DRIFTGATE_DB_PASSWORD", passwordKey).entrySet()) {
      EnvVar v = env.get(e.getKey());
      assertThat(v).as(e.getKey()).isNotNull();
      assertThat(v.getValue()).isNull();
      assertThat(v.getValueFrom().getSecretKeyRef().getName()).isEqualTo(secret);
      assertThat(v.getValueFrom().getSecretKeyRef().getKey()).isEqualTo(e.getValue());
    }
  }

  /** Nothing of Cloud Storage FUSE: no CSI volume, no sidecar annotation, not in any text. */
  static void assertNoGcsfuse(String rendered, List<HasMetadata> docs) {
    assertThat(rendered.toLowerCase(java.util.Locale.ROOT)).doesNotContain("gcsfuse", "fuse");
    assertThat(rendered).doesNotContain("csi:", "bucketName");
    for (HasMetadata d : docs) {
      Map<String, String> annotations = d.getMetadata().getAnnotations();
      assertThat(annotations == null ? Map.<String, String>of() : annotations)
          .doesNotContainKey("gke-gcsfuse/volumes");
    }
  }

  /** The spec ConfigMap's driftgate.yaml, parsed; it is the ConfigMap's only key. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> renderedSpec(List<HasMetadata> docs) {
    ConfigMap cm =
        docs.stream()
            .filter(ConfigMap.class::isInstance)
            .map(ConfigMap.class::cast)
            .filter(d -> d.getMetadata().getName().equals(PREFIX + "-spec"))
            .findFirst()
            .orElseThrow();
    assertThat(cm.getData().keySet()).containsExactly("driftgate.yaml");
    return Serialization.unmarshal(cm.getData().get("driftgate.yaml"), Map.class);
  }

  @Test
  void noCloudStorageFuseAnywhere() throws Exception {
    assertNoGcsfuse(rendered, docs);
    for (String set : List.of("minimal", "gcp-kafka")) {
      assertNoGcsfuse(RenderedManifests.text(set), RenderedManifests.load(set));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void specConfigMapCarriesTheDeploymentsLakeStateAndKafka() {
    Map<String, Object> spec = renderedSpec(docs);
    assertThat(spec).containsEntry("model", "flight-delay");
    Map<String, Object> lake = (Map<String, Object>) spec.get("lake");
    // lake.path holds local state only: the tables are in the catalog and the warehouse.
    // In the data directory, which every pod that reads the spec mounts (an emptyDir).
    assertThat(lake.get("path")).isEqualTo(DATA_DIR + "/lake");
    assertThat((Map<String, Object>) lake.get("catalog"))
        .containsEntry("type", "jdbc")
        .containsEntry("uri", "jdbc:postgresql://10.20.0.3:5432/driftgate")
        .containsEntry("warehouse", "gs://my-project-driftgate-lake/lake")
        .containsEntry(
            "properties",
            Map.of(
                "jdbc.user", "${env:DRIFTGATE_DB_USER}",
                "jdbc.password", "${env:DRIFTGATE_DB_PASSWORD}"));
    Map<String, Object> state = (Map<String, Object>) spec.get("state");
    assertThat(state).containsEntry("artifacts", "gs://my-project-driftgate-models/artifacts");
    assertThat((Map<String, Object>) state.get("database"))
        .containsEntry("url", "jdbc:postgresql://10.20.0.3:5432/driftgate")
        .containsEntry(
            "properties",
            Map.of("user", "${env:DRIFTGATE_DB_USER}", "password", "${env:DRIFTGATE_DB_PASSWORD}"));
    Map<?, ?> kafka = (Map<?, ?>) ((Map<?, ?>) spec.get("source")).get("kafka");
    assertThat(kafka.get("bootstrapServers")).isEqualTo("kafka.kafka.svc:9092");
  }

  @Test
  void storageAndDatabaseValuesAreChecked() throws Exception {
    // A URL that carries credentials is refused: they belong in the Secret.
    RenderedManifests.Result withPassword =
        RenderedManifests.render(
            List.of("--set", "database.url=jdbc:postgresql://db:5432/d?password=hunter2"));
    assertThat(withPassword.exitCode()).isNotZero();
    assertThat(withPassword.output()).contains("database.url");
    // Object storage and a claim at once are refused, as is neither.
    RenderedManifests.Result both =
        RenderedManifests.render(List.of("--set", "storage.claim=driftgate-data"));
    assertThat(both.exitCode()).isNotZero();
    assertThat(both.output()).contains("leave storage.lakeWarehouse and storage.artifacts empty");
    RenderedManifests.Result neither =
        RenderedManifests.render(
            List.of("--set", "storage.lakeWarehouse=", "--set", "storage.artifacts="));
    assertThat(neither.exitCode()).isNotZero();
    assertThat(neither.output()).contains("or storage.claim");
    RenderedManifests.Result credentials =
        RenderedManifests.render(List.of("--set", "database.credentials=inline"));
    assertThat(credentials.exitCode()).isNotZero();
    assertThat(credentials.output()).contains("database.credentials");
  }

  @Test
  @SuppressWarnings("unchecked")
  void specLauncherSectionConfiguresTheKubernetesBackend() throws Exception {
    Map<String, Object> launcher = (Map<String, Object>) renderedSpec(docs).get("launcher");
    assertThat(launcher)
        .containsEntry("backend", "kubernetes")
        .containsEntry("namespace", RenderedManifests.NAMESPACE)
        .containsEntry("serviceAccount", "driftgate-trainer")
        .containsEntry("specConfigMap", PREFIX + "-spec")
        .containsEntry("gpuCount", 1)
        .containsEntry("gpuPools", List.of("l4-spot", "t4-ondemand"))
        .containsEntry("cpu", "4")
        .containsEntry("memory", "16Gi")
        .containsEntry("params", Map.of("epochs", 5))
        .containsEntry("parallelism", 2)
        .containsEntry("ttlAfterFinished", "1d")
        // Job pods mount nothing but the spec: no shared store, registry folder or volume
        .doesNotContainKeys(
            "trials",
            "gpuType",
            "poolLabel",
            "pendingTimeoutSeconds",
            "store",
            "registry",
            "volumes");
    assertThat(launcher.get("image"))
        .asString()
        .endsWith("/driftgate-trainer:" + releaseVersion() + "-gpu");
    assertThat(launcher.get("grid"))
        .isEqualTo(Map.of("lr", List.of(0.05, 0.1), "momentum", List.of(0.5, 0.9)));

    // What the launcher makes of it: its own parser accepts every key the chart renders.
    io.driftgate.core.spec.LauncherConfig config =
        io.driftgate.core.spec.LauncherConfig.parse(launcher);
    assertThat(config.backend())
        .isEqualTo(io.driftgate.core.spec.LauncherConfig.Backend.KUBERNETES);
    assertThat(config.trials()).isEqualTo(4);
    assertThat(config.volumes()).isEmpty();
  }

  @Test
  @SuppressWarnings("unchecked")
  void flinkDeploymentPinsFlinkImageAndRunner() throws Exception {
    GenericKubernetesResource fd = one(GenericKubernetesResource.class, PREFIX + "-ingest");
    assertThat(fd.getApiVersion()).isEqualTo("flink.apache.org/v1beta1");
    assertThat(fd.getKind()).isEqualTo("FlinkDeployment");
    Map<String, Object> spec = (Map<String, Object>) fd.getAdditionalProperties().get("spec");

    // flinkVersion v1_16 <-> the POM's flink.major (beam-runners-flink-${flink.major}).
    String pom = Files.readString(RenderedManifests.REPO_ROOT.resolve("pom.xml"));
    Matcher major = Pattern.compile("<flink.major>([0-9.]+)</flink.major>").matcher(pom);
    assertThat(major.find()).isTrue();
    assertThat(spec).containsEntry("flinkVersion", "v" + major.group(1).replace('.', '_'));
    assertThat(spec.get("image")).asString().endsWith("/driftgate-streaming:" + releaseVersion());
    assertThat(spec).containsEntry("serviceAccount", "driftgate-ingest");

    Map<String, Object> job = (Map<String, Object>) spec.get("job");
    assertThat(job.get("jarURI"))
        .asString()
        .matches(
            "local:///opt/flink/usrlib/.*driftgate-streaming-"
                + Pattern.quote(pomVersion())
                + "\\.jar");
    assertThat(job).containsEntry("entryClass", "io.driftgate.streaming.ingest.IngestPipeline");
    assertThat((List<String>) job.get("args"))
        .contains(
            "--spec=/etc/driftgate/driftgate.yaml", "--runner=FlinkRunner", "--flinkMaster=[auto]")
        .contains("--lakePath=" + DATA_DIR + "/lake")
        .anySatisfy(a -> assertThat(a).startsWith("--bootstrapServers="));

    // Every --add-opens of the POM's driftgate.jvm.opens reaches every Flink JVM.
    Map<String, Object> conf = (Map<String, Object>) spec.get("flinkConfiguration");
    Matcher opens =
        Pattern.compile("<driftgate.jvm.opens>([^<]+)</driftgate.jvm.opens>").matcher(pom);
    assertThat(opens.find()).isTrue();
    List<String> flags = Arrays.asList(opens.group(1).trim().split("\\s+"));
    assertThat(flags).hasSizeGreaterThan(5);
    assertThat(Arrays.asList(conf.get("env.java.opts.all").toString().split("\\s+")))
        .containsExactlyInAnyOrderElementsOf(flags);
    assertThat(conf.get("state.checkpoints.dir")).asString().startsWith("gs://");
    assertThat(conf.get("state.savepoints.dir")).asString().startsWith("gs://");

    Map<String, Object> podTemplate = (Map<String, Object>) spec.get("podTemplate");
    Map<String, Object> annotations =
        (Map<String, Object>)
            ((Map<String, Object>) podTemplate.get("metadata")).get("annotations");
    assertThat(annotations)
        .containsEntry(
            "checksum/spec",
            one(Deployment.class, PREFIX + "-launcher")
                .getSpec()
                .getTemplate()
                .getMetadata()
                .getAnnotations()
                .get("checksum/spec"));
    PodSpec pod =
        Serialization.unmarshal(Serialization.asJson(podTemplate.get("spec")), PodSpec.class);
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container main = pod.getContainers().get(0);
    assertThat(main.getName()).isEqualTo("flink-main-container");
    // The ingest writes the lake through Iceberg's FileIO and commits in the catalog, in the
    // state database: no data volume, the database credentials from the Secret.
    assertThat(annotations).containsOnlyKeys("checksum/spec");
    assertThat(mountPaths(main))
        .containsOnly(
            Map.entry("spec", "/etc/driftgate"),
            Map.entry("tmp", "/tmp"),
            Map.entry("local-data", DATA_DIR));
    assertThat(pod.getVolumes())
        .extracting(Volume::getName)
        .containsExactly("spec", "tmp", "local-data");
    assertThat(volume(pod, "local-data").getEmptyDir()).isNotNull();
    assertDbSecretEnv(main, "driftgate-db", "username", "password");
    assertThat(main.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(main.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
  }

  @Test
  void launcherEndpointTakesTheSecretsTokenAndOnlyLabelledPodsReachIt() {
    Deployment d = one(Deployment.class, PREFIX + "-launcher");
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container c = pod.getContainers().get(0);

    // The token: the chart's Secret, one key mounted read-only as the file --http-token-file reads.
    Secret secret = one(Secret.class, PREFIX + "-launcher-http");
    assertThat(secret.getData()).containsOnlyKeys("token");
    String token =
        new String(
            Base64.getDecoder().decode(secret.getData().get("token")), StandardCharsets.UTF_8);
    assertThat(token).matches("[A-Za-z0-9]{48}");
    Volume tokenVolume = volume(pod, "http-token");
    assertThat(tokenVolume.getSecret().getSecretName()).isEqualTo(secret.getMetadata().getName());
    assertThat(tokenVolume.getSecret().getDefaultMode()).isEqualTo(0440);
    assertThat(tokenVolume.getSecret().getItems())
        .singleElement()
        .satisfies(
            i -> {
              assertThat(i.getKey()).isEqualTo("token");
              assertThat(i.getPath()).isEqualTo("token");
            });
    VolumeMount mount =
        c.getVolumeMounts().stream()
            .filter(m -> m.getName().equals("http-token"))
            .findFirst()
            .orElseThrow();
    assertThat(mount.getMountPath()).isEqualTo("/var/run/secrets/driftgate/launcher-http");
    assertThat(mount.getReadOnly()).isTrue();
    assertThat(c.getArgs())
        .contains("--listen=0.0.0.0", "--http-token-file=" + mount.getMountPath() + "/" + "token")
        .noneMatch(a -> a.startsWith("--http-token-review") || a.startsWith("--http-allow"));
    // `driftgate runs cancel` run in the pod (kubectl exec) finds the token by itself.
    assertThat(c.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("DRIFTGATE_LAUNCHER_TOKEN_FILE");
              assertThat(e.getValue()).isEqualTo(mount.getMountPath() + "/token");
            });

    // The NetworkPolicy selects the launcher pods and admits only labelled pods of this
    // namespace, on the endpoint's port only.
    NetworkPolicy np = one(NetworkPolicy.class, PREFIX + "-launcher");
    assertThat(np.getSpec().getPodSelector().getMatchLabels())
        .isEqualTo(d.getSpec().getSelector().getMatchLabels())
        .containsEntry("app.kubernetes.io/component", "launcher");
    assertThat(np.getSpec().getPolicyTypes()).containsExactly("Ingress");
    NetworkPolicyIngressRule rule = np.getSpec().getIngress().get(0);
    assertThat(np.getSpec().getIngress()).hasSize(1);
    assertThat(rule.getFrom())
        .singleElement()
        .satisfies(
            peer -> {
              assertThat(peer.getPodSelector().getMatchLabels())
                  .isEqualTo(Map.of("driftgate.io/launcher-client", "true"));
              assertThat(peer.getNamespaceSelector()).isNull();
              assertThat(peer.getIpBlock()).isNull();
            });
    assertThat(rule.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getProtocol()).isEqualTo("TCP");
              assertThat(p.getPort().getStrVal()).isEqualTo("http");
            });
    assertThat(c.getPorts())
        .anySatisfy(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8080);
            });

    // In-cluster clients use the Service; no TokenReview binding by default.
    Service svc = one(Service.class, PREFIX + "-launcher");
    assertThat(svc.getSpec().getSelector()).isEqualTo(d.getSpec().getSelector().getMatchLabels());
    assertThat(svc.getSpec().getPorts())
        .singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
    assertThat(docs).noneMatch(x -> x.getKind().equals("ClusterRoleBinding"));
  }

  @Test
  void retrainCronJobPublishesScheduledRequestsInTheCluster() {
    io.fabric8.kubernetes.api.model.batch.v1.CronJob cron =
        one(io.fabric8.kubernetes.api.model.batch.v1.CronJob.class, PREFIX + "-retrain");
    assertThat(cron.getSpec().getSchedule()).isEqualTo("17 3 * * 1");
    assertThat(cron.getSpec().getConcurrencyPolicy()).isEqualTo("Forbid");
    PodSpec pod = cron.getSpec().getJobTemplate().getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("driftgate-launcher");
    assertThat(pod.getRestartPolicy()).isEqualTo("Never");
    Container c = pod.getContainers().get(0);
    assertThat(c.getImage()).endsWith("/driftgate-launcher:" + releaseVersionUnchecked());
    assertThat(c.getArgs())
        .containsExactly("request", "--spec=/etc/driftgate/driftgate.yaml", "--reason=schedule");
    // credentials as the launcher gets them (default: env from the Secret), no GPU scheduling
    assertThat(c.getEnv()).extracting(EnvVar::getName).contains("DRIFTGATE_DB_USER");
    assertThat(mountPaths(c)).containsEntry("local-data", DATA_DIR);
    assertThat(volume(pod, "local-data").getEmptyDir()).isNotNull();
    assertThat(pod.getTolerations()).isNullOrEmpty();
    assertThat(pod.getNodeSelector()).containsEntry("driftgate.io/pool", "system");
    // no trigger users by default: no Role for creating Jobs from it
    assertThat(docs).noneMatch(x -> x.getMetadata().getName().equals(PREFIX + "-retrain-trigger"));
  }

  private static String releaseVersionUnchecked() {
    try {
      return releaseVersion();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void rendersExactlyTheExpectedObjects() {
    List<String> kinds =
        docs.stream().map(HasMetadata::getKind).sorted().collect(Collectors.toList());
    assertThat(kinds)
        .containsExactly(
            "ConfigMap",
            "CronJob",
            "Deployment",
            "FlinkDeployment",
            "NetworkPolicy",
            "Role",
            "Role",
            "RoleBinding",
            "RoleBinding",
            "Secret",
            "Service",
            "ServiceAccount",
            "ServiceAccount",
            "ServiceAccount");
  }
}
