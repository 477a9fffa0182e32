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
          "maxLength");

  private FeaturesSection() {}

  static List<FeatureSpec> parse(SpecReader r, Map<String, Object> root) {
    List<FeatureSpec> out = new ArrayList<>();
    Object v = root.get("features");
    if (v == null) {
      r.missing(
          "features", "add a list of features, each with name and kind (numeric, categorical)");
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
        r.missing(p + ".kind", "add kind: numeric or kind: categorical");
      } else if (kind == FeatureKind.TEXT || kind == FeatureKind.IMAGE) {
        r.err(
            p + ".kind",
            m.get("kind"),
            "is not supported yet",
            "supported now: "
                + FeatureKind.NUMERIC.configName()
                + ", "
                + FeatureKind.CATEGORICAL.configName());
        kind = null;
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
}
