package io.driftgate.core.run;

import io.driftgate.core.spec.Durations;
import io.driftgate.core.spec.SpecError;
import io.driftgate.core.spec.SpecException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code launcher:} section of driftgate.yaml; every key is optional.
 *
 * <pre>
 * launcher:
 *   backend: kubernetes          # local (default) | kubernetes
 *   namespace: ml
 *   image: europe-docker.pkg.dev/p/driftgate/driftgate:0.1.0
 *   serviceAccount: driftgate-trainer
 *   store: gs://my-bucket/driftgate   # shared store for studies and models (kubernetes)
 *   gpuType: nvidia-tesla-t4     # GKE accelerator; omit for CPU-only
 *   gpuCount: 1
 *   trials: 8                    # completions of the indexed tuning Job
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
 */
public record LauncherConfig(
    Backend backend,
    String namespace,
    String image,
    String serviceAccount,
    String store,
    String gpuType,
    int gpuCount,
    int trials,
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
    KUBERNETES;

    public static Backend fromConfigName(String s) {
      for (Backend b : values()) {
        if (b.name().toLowerCase(Locale.ROOT).equals(s)) {
          return b;
        }
      }
      return null;
    }
  }

  public static final List<String> KEYS =
      List.of(
          "backend",
          "namespace",
          "image",
          "serviceAccount",
          "store",
          "gpuType",
          "gpuCount",
          "trials",
          "parallelism",
          "backoffLimitPerIndex",
          "maxAttempts",
          "initialBackoff",
          "maxBackoff",
          "tuningTimeout",
          "trainingTimeout",
          "gatingTimeout",
          "ttlAfterFinished");

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  public LauncherConfig {
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(namespace, "namespace");
  }

  public static LauncherConfig defaults() {
    return new LauncherConfig(
        Backend.LOCAL,
        "default",
        null,
        null,
        null,
        null,
        0,
        8,
        2,
        1,
        RunPolicy.DEFAULT_MAX_ATTEMPTS,
        RunPolicy.DEFAULT_INITIAL_BACKOFF,
        RunPolicy.DEFAULT_MAX_BACKOFF,
        Duration.ofHours(12),
        Duration.ofHours(4),
        Duration.ofHours(1),
        Duration.ofDays(1));
  }

  /** The state machine's retry and timeout rules. */
  public RunPolicy policy() {
    return new RunPolicy(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        2.0,
        Map.of(
            RunState.TUNING, tuningTimeout,
            RunState.TRAINING_BEST, trainingTimeout,
            RunState.GATING, gatingTimeout));
  }

  /** A copy with another backend (CLI override). */
  public LauncherConfig withBackend(Backend b) {
    return new LauncherConfig(
        b,
        namespace,
        image,
        serviceAccount,
        store,
        gpuType,
        gpuCount,
        trials,
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
      if (!(k instanceof String s) || !KEYS.contains(s)) {
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
        err(errors, "launcher.backend", b, "is not supported", "allowed: local, kubernetes");
        backend = d.backend();
      }
    }
    String namespace = dns(m, "namespace", d.namespace(), errors);
    String image = text(m, "image", errors);
    String sa = dns(m, "serviceAccount", null, errors);
    String store = text(m, "store", errors);
    String gpuType = text(m, "gpuType", errors);
    int gpuCount = whole(m, "gpuCount", gpuType == null ? 0 : 1, 0, 16, errors);
    int trials = whole(m, "trials", d.trials(), 1, 10_000, errors);
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
    if (backend == Backend.KUBERNETES) {
      if (image == null && m.get("image") == null) {
        missing(
            errors,
            "launcher.image",
            "the kubernetes backend needs the trainer image, e.g. image: europe-docker.pkg.dev/p/driftgate/driftgate:0.1.0");
      }
      if (store == null && m.get("store") == null) {
        missing(
            errors,
            "launcher.store",
            "the kubernetes backend needs a shared store for studies and models, e.g. store: gs://my-bucket/driftgate");
      }
    }
    return new LauncherConfig(
        backend,
        namespace,
        image,
        sa,
        store,
        gpuType,
        gpuCount,
        trials,
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
