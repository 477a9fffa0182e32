package io.driftgate.core.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code launcher:} section of driftgate.yaml; every key is optional.
 *
 * <pre>
 * launcher:
 *   backend: kubernetes          # local (default) | kubernetes | katib
 *   namespace: ml
 *   image: europe-docker.pkg.dev/p/driftgate/driftgate-trainer:0.1.0-gpu  # runs the driftgate CLI
 *   serviceAccount: driftgate-trainer
 *   specConfigMap: driftgate-spec  # ConfigMap (key driftgate.yaml) mounted at /etc/driftgate
 *   volumes:                     # PersistentVolumeClaims mounted in every Job pod: only for a
 *     - {name: data, mountPath: /data, claimName: driftgate-data}  # state.artifacts and a lake
 *                                # warehouse that are folders (no object storage)
 *   gpuType: nvidia-l4           # nodeSelector cloud.google.com/gke-accelerator; omit for CPU-only
 *   gpuCount: 1
 *   gpuPools: [l4-spot, t4-ondemand]  # node affinity on driftgate.io/pool, preferred in this order
 *   cpu: "4"                     # cpu request of a training pod
 *   memory: 16Gi                 # memory request and limit of a training pod
 *   grid: {lr: [0.05, 0.1], momentum: [0.5, 0.9]}  # tuning grid: one trial per combination
 *   params: {epochs: 5}          # training parameters of every trial
 *   parallelism: 2               # trials at once
 *   backoffLimitPerIndex: 1      # retries of one failed trial
 *   maxAttempts: 3               # attempts per step (transient failures)
 *   initialBackoff: 30s
 *   maxBackoff: 10m
 *   tuningTimeout: 12h
 *   trainingTimeout: 4h
 *   gatingTimeout: 1h
 *   ttlAfterFinished: 1d
 * </pre>
 *
 * Job pods need no database and no shared folder: they read the run's lake snapshot from its table
 * metadata file (through the warehouse's FileIO) and write studies, trial results, heartbeats,
 * models and gate reports to the artifact store ({@code state.artifacts}); the launcher alone
 * writes the state database. With object storage ({@code gs://}) they mount nothing but the spec;
 * {@code volumes} (PersistentVolumeClaims) are for clusters without it, where the warehouse and the
 * artifact store are folders on a ReadWriteMany claim mounted at the same path everywhere.
 *
 * <p>The {@code katib} backend needs the same keys as {@code kubernetes}: it runs the study as a
 * Katib {@code Experiment} (grid algorithm, the trials as Jobs built like the kubernetes backend's
 * trial pods) and the best model and gate as the same Job.
 *
 * @param grid searched parameter to its values, in order; the study has one trial per combination
 *     (the completions of the indexed tuning Job, or of the Katib Experiment)
 * @param params training parameters given to every trial
 */
public record LauncherConfig(
    Backend backend,
    String namespace,
    String image,
    String serviceAccount,
    String specConfigMap,
    List<Volume> volumes,
    String gpuType,
    int gpuCount,
    List<String> gpuPools,
    String cpu,
    String memory,
    Map<String, List<String>> grid,
    Map<String, String> params,
    int parallelism,
    int backoffLimitPerIndex,
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration tuningTimeout,
    Duration trainingTimeout,
    Duration gatingTimeout,
    Duration ttlAfterFinished) {

  /** Where steps run. */
  public enum Backend {
    LOCAL,
    KUBERNETES,
    /** The study as a Katib Experiment; the best model and gate as a Kubernetes Job. */
    KATIB;

    public static Backend fromConfigName(String s) {
      for (Backend b : values()) {
        if (b.name().toLowerCase(Locale.ROOT).equals(s)) {
          return b;
        }
      }
      return null;
    }
  }

  /** A PersistentVolumeClaim mounted in every Job pod. */
  public record Volume(String name, String mountPath, String claimName, boolean readOnly) {}

  /** Where every Job pod sees the spec (the {@code specConfigMap} is mounted on its folder). */
  /** Retry defaults of the run state machine (3 attempts, 30 s doubling to at most 10 min). */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(10);

  public static final String SPEC_PATH = "/etc/driftgate/driftgate.yaml";

  /** The default tuning grid (also the local backend's). */
  public static final Map<String, List<String>> DEFAULT_GRID = defaultGrid();

  public static final List<String> KEYS =
      List.of(
          "backend",
          "namespace",
          "image",
          "serviceAccount",
          "specConfigMap",
          "volumes",
          "gpuType",
          "gpuCount",
          "gpuPools",
          "cpu",
          "memory",
          "grid",
          "params",
          "parallelism",
          "backoffLimitPerIndex",
          "maxAttempts",
          "initialBackoff",
          "maxBackoff",
          "tuningTimeout",
          "trainingTimeout",
          "gatingTimeout",
          "ttlAfterFinished");

  private static final List<String> VOLUME_KEYS =
      List.of("name", "mountPath", "claimName", "readOnly");

  /** Keys of earlier versions, refused with what replaced them. */
  private static final Map<String, String> REMOVED_KEYS =
      Map.of(
          "store",
          "studies, trial results and run models are in the artifact store (state.artifacts);"
              + " remove launcher.store",
          "registry",
          "the model registry is in the state database and the artifact store (state.database,"
              + " state.artifacts); remove launcher.registry");

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final Pattern QUANTITY =
      Pattern.compile("[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?");
  private static final Pattern PARAM = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  public LauncherConfig {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(namespace, "namespace");
    volumes = List.copyOf(volumes);
    gpuPools = List.copyOf(gpuPools);
    Map<String, List<String>> g = new LinkedHashMap<>();
    grid.forEach((k, v) -> g.put(k, List.copyOf(v)));
    grid = Collections.unmodifiableMap(g);
    params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
  }

  private static Map<String, List<String>> defaultGrid() {
    Map<String, List<String>> g = new LinkedHashMap<>();
    g.put("lr", List.of("0.05", "0.1"));
    g.put("momentum", List.of("0.5", "0.9"));
    return Collections.unmodifiableMap(g);
  }

  public static LauncherConfig defaults() {
    return new LauncherConfig(
        Backend.LOCAL,
        "default",
        null,
        null,
        null,
        List.of(),
        null,
        0,
        List.of(),
        null,
        null,
        DEFAULT_GRID,
        Map.of(),
        2,
        1,
        DEFAULT_MAX_ATTEMPTS,
        DEFAULT_INITIAL_BACKOFF,
        DEFAULT_MAX_BACKOFF,
        Duration.ofHours(12),
        Duration.ofHours(4),
        Duration.ofHours(1),
        Duration.ofDays(1));
  }

  /** Trials of a study: one per grid combination (the completions of the indexed tuning Job). */
  public int trials() {
    long n = 1;
    for (List<String> v : grid.values()) {
      n *= v.size();
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  /** A copy with another backend (CLI override). */
  public LauncherConfig withBackend(Backend b) {
    return new LauncherConfig(
        b,
        namespace,
        image,
        serviceAccount,
        specConfigMap,
        volumes,
        gpuType,
        gpuCount,
        gpuPools,
        cpu,
        memory,
        grid,
        params,
        parallelism,
        backoffLimitPerIndex,
        maxAttempts,
        initialBackoff,
        maxBackoff,
        tuningTimeout,
        trainingTimeout,
        gatingTimeout,
        ttlAfterFinished);
  }

  /**
   * Parses the value of the {@code launcher} key (null: defaults).
   *
   * @throws SpecException listing every problem, each naming key, value and fix
   */
  public static LauncherConfig parse(Object section) {
    List<SpecError> errors = new ArrayList<>();
    LauncherConfig c = parse(section, errors);
    if (!errors.isEmpty()) {
      throw new SpecException(errors);
    }
    return c;
  }

  /**
   * Reads the {@code launcher} section of a spec file (defaults when it has none). Load the spec
   * with {@code SpecLoader} first: it validates this section with the rest.
   *
   * @throws SpecException when the section is invalid
   */
  public static LauncherConfig load(java.nio.file.Path specFile) {
    Object doc;
    try {
      doc =
          new org.yaml.snakeyaml.Yaml(
                  new org.yaml.snakeyaml.constructor.SafeConstructor(
                      new org.yaml.snakeyaml.LoaderOptions()))
              .load(java.nio.file.Files.readString(specFile));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot read " + specFile, e);
    }
    return parse(doc instanceof Map<?, ?> m ? m.get("launcher") : null);
  }

  /** Parses the {@code launcher} section, adding problems to {@code errors} (for SpecLoader). */
  public static LauncherConfig parse(Object section, List<SpecError> errors) {
    LauncherConfig d = defaults();
    if (section == null) {
      return d;
    }
    if (!(section instanceof Map<?, ?> m)) {
      err(
          errors,
          "launcher",
          section,
          "is not a mapping",
          "expected keys: " + String.join(", ", KEYS));
      return d;
    }
    for (Object k : m.keySet()) {
      if (k instanceof String s && REMOVED_KEYS.containsKey(s)) {
        errors.add(
            new SpecError(
                "launcher." + s,
                String.valueOf(m.get(s)),
                REMOVED_KEYS.get(s),
                "launcher." + s + ": no longer used; " + REMOVED_KEYS.get(s)));
      } else if (!(k instanceof String s) || !KEYS.contains(s)) {
        String key = "launcher." + k;
        String allowed = "allowed keys: " + String.join(", ", KEYS);
        errors.add(
            new SpecError(
                key, String.valueOf(k), allowed, key + ": unknown key \"" + k + "\"; " + allowed));
      }
    }
    Backend backend = d.backend();
    Object b = m.get("backend");
    if (b != null) {
      backend = b instanceof String s ? Backend.fromConfigName(s.trim()) : null;
      if (backend == null) {
        err(errors, "launcher.backend", b, "is not supported", "allowed: local, kubernetes, katib");
        backend = d.backend();
      }
    }
    String namespace = dns(m, "namespace", d.namespace(), errors);
    String image = text(m, "image", errors);
    String sa = dns(m, "serviceAccount", null, errors);
    String specConfigMap = dns(m, "specConfigMap", null, errors);
    List<Volume> volumes = volumes(m.get("volumes"), errors);
    String gpuType = text(m, "gpuType", errors);
    int gpuCount = whole(m, "gpuCount", gpuType == null ? 0 : 1, 0, 16, errors);
    List<String> gpuPools = gpuPools(m.get("gpuPools"), errors);
    String cpu = quantity(m, "cpu", errors);
    String memory = quantity(m, "memory", errors);
    Map<String, List<String>> grid = grid(m.get("grid"), errors);
    Map<String, String> params = params(m.get("params"), errors);
    int parallelism = whole(m, "parallelism", d.parallelism(), 1, 1_000, errors);
    int perIndex = whole(m, "backoffLimitPerIndex", d.backoffLimitPerIndex(), 0, 100, errors);
    int maxAttempts = whole(m, "maxAttempts", d.maxAttempts(), 1, 100, errors);
    Duration initial = duration(m, "initialBackoff", d.initialBackoff(), true, errors);
    Duration max = duration(m, "maxBackoff", d.maxBackoff(), true, errors);
    if (max.compareTo(initial) < 0) {
      err(
          errors,
          "launcher.maxBackoff",
          m.get("maxBackoff") == null ? Durations.format(max) : m.get("maxBackoff"),
          "is shorter than launcher.initialBackoff (" + Durations.format(initial) + ")",
          "make maxBackoff >= initialBackoff");
      max = initial;
    }
    Duration tuning = duration(m, "tuningTimeout", d.tuningTimeout(), false, errors);
    Duration training = duration(m, "trainingTimeout", d.trainingTimeout(), false, errors);
    Duration gating = duration(m, "gatingTimeout", d.gatingTimeout(), false, errors);
    Duration ttl = duration(m, "ttlAfterFinished", d.ttlAfterFinished(), true, errors);
    if (backend == Backend.KUBERNETES || backend == Backend.KATIB) {
      String name = backend.name().toLowerCase(Locale.ROOT);
      if (image == null && m.get("image") == null) {
        missing(
            errors,
            "launcher.image",
            "the "
                + name
                + " backend needs the trainer image, e.g. image: europe-docker.pkg.dev/p/driftgate/driftgate-trainer:0.1.0-gpu");
      }
    }
    return new LauncherConfig(
        backend,
        namespace,
        image,
        sa,
        specConfigMap,
        volumes,
        gpuType,
        gpuCount,
        gpuPools,
        cpu,
        memory,
        grid,
        params,
        parallelism,
        perIndex,
        maxAttempts,
        initial,
        max,
        tuning,
        training,
        gating,
        ttl);
  }

  private static List<Volume> volumes(Object v, List<SpecError> errors) {
    if (v == null) {
      return List.of();
    }
    String fix =
        "a list of {name, mountPath, claimName, readOnly}, e.g."
            + " [{name: data, mountPath: /data, claimName: driftgate-data}]";
    if (!(v instanceof List<?> list)) {
      err(errors, "launcher.volumes", v, "is not a list", fix);
      return List.of();
    }
    List<Volume> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String key = "launcher.volumes[" + i + "]";
      if (!(list.get(i) instanceof Map<?, ?> vm)) {
        err(errors, key, list.get(i), "is not a mapping", fix);
        continue;
      }
      int before = errors.size();
      for (Object k : vm.keySet()) {
        if (!VOLUME_KEYS.contains(k) && !"bucket".equals(k)) {
          err(
              errors,
              key + "." + k,
              String.valueOf(k),
              "is not a volume key",
              "allowed keys: " + String.join(", ", VOLUME_KEYS));
        }
      }
      Object name = vm.get("name");
      if (!(name instanceof String n) || !DNS_LABEL.matcher(n).matches()) {
        err(
            errors,
            key + ".name",
            name,
            name == null ? "is missing" : "is not a Kubernetes name",
            "use lower-case letters, digits and '-', e.g. data");
      } else if (!names.add(n)) {
        err(errors, key + ".name", n, "is used twice", "give every volume its own name");
      }
      Object mp = vm.get("mountPath");
      if (!(mp instanceof String p) || !p.startsWith("/") || p.length() < 2) {
        err(
            errors,
            key + ".mountPath",
            mp,
            mp == null ? "is missing" : "is not an absolute path",
            "an absolute path inside the pods other than /, e.g. /data");
      } else if (!paths.add(p)) {
        err(errors, key + ".mountPath", p, "is used twice", "mount every volume elsewhere");
      }
      Object claim = vm.get("claimName");
      if (vm.containsKey("bucket")) {
        err(
            errors,
            key + ".bucket",
            vm.get("bucket"),
            "is no longer supported (Cloud Storage FUSE volumes were removed)",
            "Job pods reach the lake through lake.catalog (a gs:// warehouse) and artifacts"
                + " through state.artifacts (gs://bucket/prefix); remove the volume, or use"
                + " claimName for a ReadWriteMany PersistentVolumeClaim");
      } else if (claim == null) {
        err(
            errors,
            key + ".claimName",
            null,
            "is missing",
            "the PersistentVolumeClaim's name, e.g. driftgate-data");
      }
      if (claim != null && !(claim instanceof String cs && DNS_LABEL.matcher(cs).matches())) {
        err(
            errors,
            key + ".claimName",
            claim,
            "is not a Kubernetes name",
            "the PersistentVolumeClaim's name, e.g. driftgate-data");
      }
      Object ro = vm.get("readOnly");
      if (ro != null && !(ro instanceof Boolean)) {
        err(errors, key + ".readOnly", ro, "is not true or false", "readOnly: true or false");
      }
      if (errors.size() == before) {
        out.add(
            new Volume(
                (String) name, trimSlash((String) mp), (String) claim, Boolean.TRUE.equals(ro)));
      }
    }
    return out;
  }

  private static String trimSlash(String s) {
    return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static List<String> gpuPools(Object v, List<SpecError> errors) {
    if (v == null) {
      return List.of();
    }
    String fix =
        "a list of GPU node pool names (label driftgate.io/pool), e.g. [l4-spot, t4-ondemand]";
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      err(errors, "launcher.gpuPools", v, v instanceof List ? "is empty" : "is not a list", fix);
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object p = list.get(i);
      if (!(p instanceof String s) || !DNS_LABEL.matcher(s).matches()) {
        err(errors, "launcher.gpuPools[" + i + "]", p, "is not a node pool name", fix);
      } else if (out.contains(s)) {
        err(errors, "launcher.gpuPools[" + i + "]", p, "is listed twice", fix);
      } else {
        out.add(s);
      }
    }
    return out;
  }

  private static String quantity(Map<?, ?> m, String name, List<SpecError> errors) {
    Object v = m.get(name);
    if (v == null) {
      return null;
    }
    String s = v instanceof Number n ? n.toString() : v instanceof String t ? t.trim() : null;
    if (s == null || !QUANTITY.matcher(s).matches()) {
      err(
          errors,
          "launcher." + name,
          v,
          "is not a Kubernetes quantity",
          name.equals("cpu") ? "e.g. \"4\" or 500m" : "e.g. 16Gi or 512Mi");
      return null;
    }
    return s;
  }

  private static Map<String, List<String>> grid(Object v, List<SpecError> errors) {
    if (v == null) {
      return DEFAULT_GRID;
    }
    String fix = "a mapping of training parameter to a list of values, e.g. {lr: [0.05, 0.1]}";
    if (!(v instanceof Map<?, ?> gm) || gm.isEmpty()) {
      err(errors, "launcher.grid", v, v instanceof Map ? "is empty" : "is not a mapping", fix);
      return DEFAULT_GRID;
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    long combinations = 1;
    for (Map.Entry<?, ?> e : gm.entrySet()) {
      String key = "launcher.grid." + e.getKey();
      if (!(e.getKey() instanceof String k) || !PARAM.matcher(k).matches()) {
        err(errors, key, String.valueOf(e.getKey()), "is not a parameter name", fix);
        continue;
      }
      if (!(e.getValue() instanceof List<?> values) || values.isEmpty()) {
        err(errors, key, e.getValue(), "is not a non-empty list", fix);
        continue;
      }
      List<String> vs = new ArrayList<>();
      for (Object x : values) {
        if (!(x instanceof Number || x instanceof String || x instanceof Boolean)) {
          err(errors, key, x, "holds a value that is not a number or text", fix);
        } else if (vs.contains(String.valueOf(x))) {
          err(errors, key, x, "holds a value twice", "list every value once");
        } else {
          vs.add(String.valueOf(x));
        }
      }
      combinations *= Math.max(1, vs.size());
      out.put(k, vs);
    }
    if (combinations > 10_000) {
      err(
          errors,
          "launcher.grid",
          "a mapping",
          "has " + combinations + " combinations",
          "at most 10000 trials per study; search fewer values");
    }
    return out.isEmpty() ? DEFAULT_GRID : out;
  }

  private static Map<String, String> params(Object v, List<SpecError> errors) {
    if (v == null) {
      return Map.of();
    }
    String fix = "a mapping of training parameter to one value, e.g. {epochs: 5, hidden: 32}";
    if (!(v instanceof Map<?, ?> pm)) {
      err(errors, "launcher.params", v, "is not a mapping", fix);
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : pm.entrySet()) {
      String key = "launcher.params." + e.getKey();
      Object x = e.getValue();
      if (!(e.getKey() instanceof String k) || !PARAM.matcher(k).matches()) {
        err(errors, key, String.valueOf(e.getKey()), "is not a parameter name", fix);
      } else if (!(x instanceof Number || x instanceof String || x instanceof Boolean)) {
        err(errors, key, x, "is not a number or text", fix);
      } else {
        out.put(k, String.valueOf(x));
      }
    }
    return out;
  }

  private static String text(Map<?, ?> m, String name, List<SpecError> errors) {
    Object v = m.get(name);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s) || s.isBlank()) {
      err(
          errors,
          "launcher." + name,
          v,
          v instanceof String ? "is empty" : "is not a string",
          "write a plain text value");
      return null;
    }
    return s.trim();
  }

  private static String dns(Map<?, ?> m, String name, String def, List<SpecError> errors) {
    Object v = m.get(name);
    if (v == null) {
      return def;
    }
    String s = text(m, name, errors);
    if (s != null && !DNS_LABEL.matcher(s).matches()) {
      err(
          errors,
          "launcher." + name,
          v,
          "is not a Kubernetes name",
          "use lower-case letters, digits and '-', at most 63 characters, e.g. ml");
      return def;
    }
    return s == null ? def : s;
  }

  private static int whole(
      Map<?, ?> m, String name, int def, int lo, int hi, List<SpecError> errors) {
    Object v = m.get(name);
    if (v == null) {
      return def;
    }
    if (!(v instanceof Integer || v instanceof Long)) {
      err(
          errors,
          "launcher." + name,
          v,
          "is not a whole number",
          "expected a whole number between " + lo + " and " + hi);
      return def;
    }
    long x = ((Number) v).longValue();
    if (x < lo || x > hi) {
      err(
          errors,
          "launcher." + name,
          v,
          "is out of range",
          "expected a whole number between " + lo + " and " + hi);
      return def;
    }
    return (int) x;
  }

  private static Duration duration(
      Map<?, ?> m, String name, Duration def, boolean zeroOk, List<SpecError> errors) {
    Object v = m.get(name);
    if (v == null) {
      return def;
    }
    String key = "launcher." + name;
    if (!(v instanceof String s)) {
      err(
          errors,
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
      err(errors, key, v, "is not a duration", "expected " + Durations.FORMS);
      return def;
    }
    if (d.isNegative() || (!zeroOk && d.isZero())) {
      err(
          errors,
          key,
          v,
          zeroOk ? "is negative" : "is not positive",
          "expected a duration " + (zeroOk ? ">= 0" : "> 0") + " such as 5s");
      return def;
    }
    return d;
  }

  private static void missing(List<SpecError> errors, String key, String fix) {
    errors.add(new SpecError(key, null, fix, key + ": missing required key; " + fix));
  }

  private static void err(
      List<SpecError> errors, String key, Object value, String problem, String allowed) {
    String shown =
        value instanceof String s
            ? "\"" + s + "\""
            : value instanceof Map ? "a mapping" : String.valueOf(value);
    errors.add(
        new SpecError(
            key,
            value instanceof Map ? "a mapping" : String.valueOf(value),
            allowed,
            key + ": value " + shown + " " + problem + "; " + allowed));
  }
}
