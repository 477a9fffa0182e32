package io.driftgate.core.spec;

import io.driftgate.core.spec.LauncherConfig.Backend;
import io.driftgate.core.spec.LauncherConfig.Volume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Parses {@code launcher} into a {@link LauncherConfig}; every key is optional. */
final class LauncherSection {
  static final List<String> KEYS =
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

  static final List<String> VOLUME_KEYS = List.of("name", "mountPath", "claimName", "readOnly");

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
  private static final String P = "launcher";

  private LauncherSection() {}

  /** The section's config; problems go to {@code r}, each key falling back to its default. */
  static LauncherConfig parse(SpecReader r, Object section) {
    LauncherConfig.Builder b = LauncherConfig.builder();
    if (section == null) {
      return b.build();
    }
    Map<String, Object> m = r.mapping(section, P, KEYS, REMOVED_KEYS.keySet());
    if (m == null) {
      return b.build();
    }
    if (section instanceof Map<?, ?> raw) {
      REMOVED_KEYS.forEach(
          (k, fix) -> {
            if (raw.containsKey(k)) {
              r.note(P + "." + k, raw.get(k), fix, "no longer used; " + fix);
            }
          });
    }
    LauncherConfig d = b.build();
    Backend backend =
        r.choice(m, P, "backend", d.backend(), Backend::fromConfigName, "local, kubernetes, katib");
    String image = r.string(m, P, "image", false, "repo/driftgate-trainer:1");
    String gpuType = r.string(m, P, "gpuType", false, "nvidia-l4");
    Duration initial = r.duration(m, P, "initialBackoff", d.initialBackoff(), true);
    Duration max = r.duration(m, P, "maxBackoff", d.maxBackoff(), true);
    if (max.compareTo(initial) < 0) {
      r.err(
          P + ".maxBackoff",
          m.get("maxBackoff") == null ? Durations.format(max) : m.get("maxBackoff"),
          "is shorter than launcher.initialBackoff (" + Durations.format(initial) + ")",
          "make maxBackoff >= initialBackoff");
      max = initial;
    }
    if ((backend == Backend.KUBERNETES || backend == Backend.KATIB) && m.get("image") == null) {
      r.missing(
          P + ".image",
          "the "
              + backend.name().toLowerCase(Locale.ROOT)
              + " backend needs the trainer image, e.g. image:"
              + " europe-docker.pkg.dev/p/driftgate/driftgate-trainer:0.1.0-gpu");
    }
    return b.backend(backend)
        .namespace(dns(r, m, "namespace", d.namespace()))
        .image(image)
        .serviceAccount(dns(r, m, "serviceAccount", null))
        .specConfigMap(dns(r, m, "specConfigMap", null))
        .volumes(volumes(r, m.get("volumes")))
        .gpuType(gpuType)
        .gpuCount(r.wholeInt(m, P, "gpuCount", gpuType == null ? 0 : 1, 0, 16))
        .gpuPools(gpuPools(r, m.get("gpuPools")))
        .cpu(quantity(r, m, "cpu", "e.g. \"4\" or 500m"))
        .memory(quantity(r, m, "memory", "e.g. 16Gi or 512Mi"))
        .grid(m.get("grid") == null ? d.grid() : GridParser.fromYaml(r, P + ".grid", m.get("grid")))
        .params(params(r, m.get("params")))
        .parallelism(r.wholeInt(m, P, "parallelism", d.parallelism(), 1, 1_000))
        .backoffLimitPerIndex(
            r.wholeInt(m, P, "backoffLimitPerIndex", d.backoffLimitPerIndex(), 0, 100))
        .maxAttempts(r.wholeInt(m, P, "maxAttempts", d.maxAttempts(), 1, 100))
        .initialBackoff(initial)
        .maxBackoff(max)
        .tuningTimeout(r.duration(m, P, "tuningTimeout", d.tuningTimeout(), false))
        .trainingTimeout(r.duration(m, P, "trainingTimeout", d.trainingTimeout(), false))
        .gatingTimeout(r.duration(m, P, "gatingTimeout", d.gatingTimeout(), false))
        .ttlAfterFinished(r.duration(m, P, "ttlAfterFinished", d.ttlAfterFinished(), true))
        .build();
  }

  private static String dns(SpecReader r, Map<String, Object> m, String name, String def) {
    return r.matching(
        m,
        P,
        name,
        def,
        DNS_LABEL,
        "is not a Kubernetes name",
        "use lower-case letters, digits and '-', at most 63 characters, e.g. ml");
  }

  private static String quantity(SpecReader r, Map<String, Object> m, String name, String fix) {
    return r.matching(m, P, name, null, QUANTITY, "is not a Kubernetes quantity", fix);
  }

  private static List<Volume> volumes(SpecReader r, Object v) {
    if (v == null) {
      return List.of();
    }
    String fix =
        "a list of {name, mountPath, claimName, readOnly}, e.g."
            + " [{name: data, mountPath: /data, claimName: driftgate-data}]";
    if (!(v instanceof List<?> list)) {
      r.err(P + ".volumes", v, "is not a list", fix);
      return List.of();
    }
    List<Volume> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> paths = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      String key = P + ".volumes[" + i + "]";
      int before = r.errorCount();
      Map<String, Object> vm = r.mapping(list.get(i), key, VOLUME_KEYS, Set.of("bucket"));
      if (vm == null) {
        continue;
      }
      Object name = vm.get("name");
      if (!(name instanceof String n) || !DNS_LABEL.matcher(n).matches()) {
        r.err(
            key + ".name",
            name,
            name == null ? "is missing" : "is not a Kubernetes name",
            "use lower-case letters, digits and '-', e.g. data");
      } else if (!names.add(n)) {
        r.err(key + ".name", n, "is used twice", "give every volume its own name");
      }
      Object mp = vm.get("mountPath");
      if (!(mp instanceof String p) || !p.startsWith("/") || p.length() < 2) {
        r.err(
            key + ".mountPath",
            mp,
            mp == null ? "is missing" : "is not an absolute path",
            "an absolute path inside the pods other than /, e.g. /data");
      } else if (!paths.add(p)) {
        r.err(key + ".mountPath", p, "is used twice", "mount every volume elsewhere");
      }
      Object claim = vm.get("claimName");
      Map<?, ?> raw = (Map<?, ?>) list.get(i);
      if (raw.containsKey("bucket")) {
        r.err(
            key + ".bucket",
            raw.get("bucket"),
            "is no longer supported (Cloud Storage FUSE volumes were removed)",
            "Job pods reach the lake through lake.catalog (a gs:// warehouse) and artifacts"
                + " through state.artifacts (gs://bucket/prefix); remove the volume, or use"
                + " claimName for a ReadWriteMany PersistentVolumeClaim");
      } else if (claim == null) {
        r.err(
            key + ".claimName",
            null,
            "is missing",
            "the PersistentVolumeClaim's name, e.g. driftgate-data");
      }
      if (claim != null && !(claim instanceof String cs && DNS_LABEL.matcher(cs).matches())) {
        r.err(
            key + ".claimName",
            claim,
            "is not a Kubernetes name",
            "the PersistentVolumeClaim's name, e.g. driftgate-data");
      }
      Boolean ro = r.bool(vm, key, "readOnly", false);
      if (r.errorCount() == before) {
        out.add(new Volume((String) name, trimSlash((String) mp), (String) claim, ro));
      }
    }
    return out;
  }

  private static String trimSlash(String s) {
    return s.length() > 1 && s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  private static List<String> gpuPools(SpecReader r, Object v) {
    if (v == null) {
      return List.of();
    }
    String fix =
        "a list of GPU node pool names (label driftgate.io/pool), e.g. [l4-spot, t4-ondemand]";
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      r.err(P + ".gpuPools", v, v instanceof List ? "is empty" : "is not a list", fix);
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Object p = list.get(i);
      if (!(p instanceof String s) || !DNS_LABEL.matcher(s).matches()) {
        r.err(P + ".gpuPools[" + i + "]", p, "is not a node pool name", fix);
      } else if (out.contains(s)) {
        r.err(P + ".gpuPools[" + i + "]", p, "is listed twice", fix);
      } else {
        out.add(s);
      }
    }
    return out;
  }

  private static Map<String, String> params(SpecReader r, Object v) {
    if (v == null) {
      return Map.of();
    }
    String fix = "a mapping of training parameter to one value, e.g. {epochs: 5, hidden: 32}";
    if (!(v instanceof Map<?, ?> pm)) {
      r.err(P + ".params", v, "is not a mapping", fix);
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : pm.entrySet()) {
      String key = P + ".params." + e.getKey();
      Object x = e.getValue();
      if (!(e.getKey() instanceof String k) || !PARAM.matcher(k).matches()) {
        r.err(key, String.valueOf(e.getKey()), "is not a parameter name", fix);
      } else if (!(x instanceof Number || x instanceof String || x instanceof Boolean)) {
        r.err(key, x, "is not a number or text", fix);
      } else {
        out.put(k, String.valueOf(x));
      }
    }
    return out;
  }
}
