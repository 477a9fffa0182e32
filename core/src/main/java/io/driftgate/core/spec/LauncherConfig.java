package io.driftgate.core.spec;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

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
    Duration ttlAfterFinished)
    implements Serializable {

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
  public record Volume(String name, String mountPath, String claimName, boolean readOnly)
      implements Serializable {}

  /** Retry defaults of the run state machine (3 attempts, 30 s doubling to at most 10 min). */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofMinutes(10);

  /** Where every Job pod sees the spec (the {@code specConfigMap} is mounted on its folder). */
  public static final String SPEC_PATH = "/etc/driftgate/driftgate.yaml";

  /** The default tuning grid (also the local backend's). */
  public static final Map<String, List<String>> DEFAULT_GRID = defaultGrid();

  /** The keys of the section (the JSON Schema's too). */
  public static final List<String> KEYS = LauncherSection.KEYS;

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

  /** The local backend with every default. */
  public static LauncherConfig defaults() {
    return builder().build();
  }

  /** A builder holding every default; set only what differs. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    return new Builder()
        .backend(backend)
        .namespace(namespace)
        .image(image)
        .serviceAccount(serviceAccount)
        .specConfigMap(specConfigMap)
        .volumes(volumes)
        .gpuType(gpuType)
        .gpuCount(gpuCount)
        .gpuPools(gpuPools)
        .cpu(cpu)
        .memory(memory)
        .grid(grid)
        .params(params)
        .parallelism(parallelism)
        .backoffLimitPerIndex(backoffLimitPerIndex)
        .maxAttempts(maxAttempts)
        .initialBackoff(initialBackoff)
        .maxBackoff(maxBackoff)
        .tuningTimeout(tuningTimeout)
        .trainingTimeout(trainingTimeout)
        .gatingTimeout(gatingTimeout)
        .ttlAfterFinished(ttlAfterFinished);
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
    return toBuilder().backend(b).build();
  }

  /**
   * Parses the value of the {@code launcher} key (null: defaults).
   *
   * @throws SpecException listing every problem, each naming key, value and fix
   */
  public static LauncherConfig parse(Object section) {
    SpecReader r = new SpecReader(null);
    LauncherConfig c = LauncherSection.parse(r, section);
    r.throwIfErrors();
    return c;
  }

  /**
   * Reads the {@code launcher} section of a spec file (defaults when it has none) with the spec's
   * own YAML reader. {@code SpecLoader} validates this section with the rest of the spec.
   *
   * @throws SpecException when the file is not YAML or the section is invalid
   */
  public static LauncherConfig load(Path specFile) {
    Object doc = SpecReader.loadFile(specFile);
    return parse(doc instanceof Map<?, ?> m ? m.get("launcher") : null);
  }

  /** Builds a {@link LauncherConfig}; starts from the defaults. */
  public static final class Builder {
    private Backend backend = Backend.LOCAL;
    private String namespace = "default";
    private String image;
    private String serviceAccount;
    private String specConfigMap;
    private List<Volume> volumes = List.of();
    private String gpuType;
    private int gpuCount;
    private List<String> gpuPools = List.of();
    private String cpu;
    private String memory;
    private Map<String, List<String>> grid = DEFAULT_GRID;
    private Map<String, String> params = Map.of();
    private int parallelism = 2;
    private int backoffLimitPerIndex = 1;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration tuningTimeout = Duration.ofHours(12);
    private Duration trainingTimeout = Duration.ofHours(4);
    private Duration gatingTimeout = Duration.ofHours(1);
    private Duration ttlAfterFinished = Duration.ofDays(1);

    private Builder() {}

    public Builder backend(Backend v) {
      backend = v;
      return this;
    }

    public Builder namespace(String v) {
      namespace = v;
      return this;
    }

    public Builder image(String v) {
      image = v;
      return this;
    }

    public Builder serviceAccount(String v) {
      serviceAccount = v;
      return this;
    }

    public Builder specConfigMap(String v) {
      specConfigMap = v;
      return this;
    }

    public Builder volumes(List<Volume> v) {
      volumes = v;
      return this;
    }

    public Builder gpuType(String v) {
      gpuType = v;
      return this;
    }

    public Builder gpuCount(int v) {
      gpuCount = v;
      return this;
    }

    public Builder gpuPools(List<String> v) {
      gpuPools = v;
      return this;
    }

    public Builder cpu(String v) {
      cpu = v;
      return this;
    }

    public Builder memory(String v) {
      memory = v;
      return this;
    }

    public Builder grid(Map<String, List<String>> v) {
      grid = v;
      return this;
    }

    public Builder params(Map<String, String> v) {
      params = v;
      return this;
    }

    public Builder parallelism(int v) {
      parallelism = v;
      return this;
    }

    public Builder backoffLimitPerIndex(int v) {
      backoffLimitPerIndex = v;
      return this;
    }

    public Builder maxAttempts(int v) {
      maxAttempts = v;
      return this;
    }

    public Builder initialBackoff(Duration v) {
      initialBackoff = v;
      return this;
    }

    public Builder maxBackoff(Duration v) {
      maxBackoff = v;
      return this;
    }

    public Builder tuningTimeout(Duration v) {
      tuningTimeout = v;
      return this;
    }

    public Builder trainingTimeout(Duration v) {
      trainingTimeout = v;
      return this;
    }

    public Builder gatingTimeout(Duration v) {
      gatingTimeout = v;
      return this;
    }

    public Builder ttlAfterFinished(Duration v) {
      ttlAfterFinished = v;
      return this;
    }

    public LauncherConfig build() {
      return new LauncherConfig(
          backend,
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
  }
}
