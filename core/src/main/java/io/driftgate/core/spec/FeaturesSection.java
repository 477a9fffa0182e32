package io.driftgate.core.spec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses {@code features}: each feature's kind and the rules a value must meet. */
final class FeaturesSection {
  static final List<String> KEYS =
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
          "maxLength",
          "image",
          "text");

  private FeaturesSection() {}

  static List<FeatureSpec> parse(SpecReader r, Map<String, Object> root) {
    List<FeatureSpec> out = new ArrayList<>();
    Object v = root.get("features");
    if (v == null) {
      r.missing(
          "features",
          "add a list of features, each with name and kind (" + FeatureKind.allowedNames() + ")");
      return out;
    }
    if (!(v instanceof List<?> list)) {
      r.err(
          "features",
          v,
          "is not a list",
          "write a list of features, each starting with '- name: ...'");
      return out;
    }
    if (list.isEmpty()) {
      r.err("features", v, "is empty", "declare at least one feature");
      return out;
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String p = "features[" + i + "]";
      Map<String, Object> m = r.mapping(list.get(i), p, KEYS);
      if (m == null) {
        continue;
      }
      String name = r.string(m, p, "name", true, "distance_km");
      FeatureKind kind =
          r.choice(m, p, "kind", null, FeatureKind::fromConfigName, FeatureKind.allowedNames());
      if (m.get("kind") == null) {
        r.missing(p + ".kind", "add kind: one of " + FeatureKind.allowedNames());
      }
      // The unstructured kinds: each kind's block is parsed by its own options class.
      ImageOptions image = kind == FeatureKind.IMAGE ? ImageOptions.parse(r, m, p) : null;
      TextOptions text = kind == FeatureKind.TEXT ? TextOptions.parse(r, m, p) : null;
      for (var block :
          List.of(Map.entry("image", FeatureKind.IMAGE), Map.entry("text", FeatureKind.TEXT))) {
        if (kind != null && kind != block.getValue() && m.get(block.getKey()) != null) {
          r.err(
              p + "." + block.getKey(),
              m.get(block.getKey()),
              "only applies to " + block.getKey() + " features",
              "remove it, or set kind: " + block.getValue().configName());
        }
      }
      Boolean required = r.bool(m, p, "required", false);
      Double min = r.number(m, p, "min", null);
      Double max = r.number(m, p, "max", null);
      // "nonFinite: null" is read by YAML as a null value, not as the word: accept both.
      NonFinitePolicy nonFinite =
          m.containsKey("nonFinite") && m.get("nonFinite") == null
              ? NonFinitePolicy.NULL
              : r.choice(
                  m,
                  p,
                  "nonFinite",
                  NonFinitePolicy.REJECT,
                  NonFinitePolicy::fromConfigName,
                  NonFinitePolicy.allowedNames());
      Normalize normalize =
          r.choice(
              m,
              p,
              "normalize",
              Normalize.NONE,
              Normalize::fromConfigName,
              Normalize.allowedNames());
      List<String> allowed = r.strings(m, p, "allowed");
      Double maxNullRate = r.number(m, p, "maxNullRate", null);
      Long maxLength = r.whole(m, p, "maxLength", null, 1, Integer.MAX_VALUE);
      if (maxNullRate != null && (maxNullRate < 0 || maxNullRate > 1)) {
        r.err(
            p + ".maxNullRate",
            m.get("maxNullRate"),
            "is outside [0, 1]",
            "expected a fraction between 0 and 1 such as 0.05");
      }
      if (min != null && max != null && min > max) {
        r.err(
            p + ".min",
            m.get("min"),
            "is greater than max " + m.get("max"),
            "make min less than or equal to max");
      }
      if (kind == FeatureKind.NUMERIC) {
        for (String k : List.of("allowed", "normalize", "maxLength")) {
          if (m.get(k) != null) {
            r.err(
                p + "." + k,
                m.get(k),
                "only applies to categorical features",
                "remove it, or set kind: categorical");
          }
        }
      } else if (kind == FeatureKind.IMAGE || kind == FeatureKind.TEXT) {
        for (String k : List.of("min", "max", "nonFinite", "allowed", "normalize", "maxLength")) {
          if (m.containsKey(k)) {
            r.err(
                p + "." + k,
                m.get(k),
                "does not apply to " + kind.configName() + " features",
                kind == FeatureKind.TEXT && TextOptions.KEYS.contains(k)
                    ? "move it into the feature's text block (text: {maxLength, normalize, onEmpty})"
                    : "remove it; the feature's rules go in its " + kind.configName() + " block");
          }
        }
      } else if (kind == FeatureKind.CATEGORICAL) {
        for (String k : List.of("min", "max", "nonFinite")) {
          if (m.containsKey(k)) {
            r.err(
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
          r.err(
              p + ".allowed[" + j + "]",
              a,
              "can never match: values are normalized with normalize: " + normalize.configName(),
              "write it as \"" + norm + "\"");
        } else if (norm.isEmpty()) {
          r.err(p + ".allowed[" + j + "]", a, "is empty", "remove it or write a category");
        } else if (kind == FeatureKind.CATEGORICAL
            && norm.codePointCount(0, norm.length())
                > (maxLength != null ? maxLength : FeatureSpec.DEFAULT_MAX_LENGTH)) {
          r.err(
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
          r.err(
              p + ".name",
              name,
              "duplicates features[" + prev + "].name",
              "each feature may appear only once; remove or rename one of them");
        }
      }
      boolean optionsOk =
          (kind != FeatureKind.IMAGE || image != null)
              && (kind != FeatureKind.TEXT || text != null);
      if (name != null && kind != null && optionsOk) {
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
                maxLength == null ? null : maxLength.intValue(),
                image,
                text));
      }
    }
    return out;
  }
}
