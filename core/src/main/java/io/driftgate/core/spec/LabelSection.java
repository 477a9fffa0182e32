package io.driftgate.core.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Parses {@code label}: the field a model predicts, its kind and its class rules. */
final class LabelSection {
  static final List<String> KEYS =
      List.of("field", "kind", "onNull", "mapping", "classes", "min", "max");

  /**
   * The section as read; {@code field} and {@code kind} are kept apart from {@code spec} (null when
   * either is missing) because the schema checks need whichever is there.
   */
  record Read(String field, LabelKind kind, LabelSpec spec) {}

  private LabelSection() {}

  static Read parse(SpecReader r, Map<String, Object> root) {
    Map<String, Object> m = r.section(root, "", "label", true, KEYS);
    String field = r.string(m, "label", "field", true, "delayed");
    LabelKind kind =
        r.choice(m, "label", "kind", null, LabelKind::fromConfigName, LabelKind.allowedNames());
    if (m != null && kind == null && m.get("kind") == null) {
      r.missing("label.kind", "add kind: one of " + LabelKind.allowedNames());
    }
    return new Read(field, kind, rules(r, m, field, kind));
  }

  /**
   * {@code label.onNull}, {@code mapping}, {@code classes}, {@code min} and {@code max}; null when
   * the label section, its field or its kind is missing (already reported).
   */
  private static LabelSpec rules(
      SpecReader r, Map<String, Object> m, String field, LabelKind kind) {
    if (m == null) {
      return null;
    }
    LabelNullPolicy onNull =
        r.choice(
            m,
            "label",
            "onNull",
            LabelNullPolicy.KEEP,
            LabelNullPolicy::fromConfigName,
            LabelNullPolicy.allowedNames());
    Double min = r.number(m, "label", "min", null);
    Double max = r.number(m, "label", "max", null);
    if (kind != null && kind != LabelKind.REGRESSION) {
      for (String k : List.of("min", "max")) {
        if (m.get(k) != null) {
          r.err(
              "label." + k,
              m.get(k),
              "only applies to regression labels",
              "remove it; a "
                  + kind.configName()
                  + " label is checked against its classes (label.classes, label.mapping)");
        }
      }
    }
    if (min != null && max != null && min > max) {
      r.err(
          "label.min",
          m.get("min"),
          "is greater than max " + m.get("max"),
          "make min less than or equal to max");
    }
    Set<Integer> classes = new TreeSet<>();
    Object cv = m.get("classes");
    if (cv != null) {
      if (kind == LabelKind.BINARY || kind == LabelKind.REGRESSION) {
        r.err(
            "label.classes",
            cv,
            "only applies to multiclass labels",
            kind == LabelKind.BINARY
                ? "remove it; binary classes are always 0 and 1"
                : "remove it; bound a regression label with label.min and label.max");
      } else if (!(cv instanceof List<?> list) || list.isEmpty()) {
        r.err(
            "label.classes",
            cv,
            "is not a non-empty list",
            "list the class numbers, e.g. classes: [0, 1, 2]");
      } else {
        for (int i = 0; i < list.size(); i++) {
          String key = "label.classes[" + i + "]";
          Long c = r.wholeValue(key, list.get(i), 0, Integer.MAX_VALUE);
          if (c != null && !classes.add(c.intValue())) {
            r.err(key, list.get(i), "is listed twice", "list each class once");
          }
        }
      }
    }
    Map<String, Integer> mapping = new LinkedHashMap<>();
    Object mv = m.get("mapping");
    if (mv != null) {
      String example = "map each raw label value to its class, e.g. mapping: {yes: 1, no: 0}";
      if (kind == LabelKind.REGRESSION) {
        r.err(
            "label.mapping",
            mv,
            "only applies to binary and multiclass labels",
            "remove it; a regression label must be a number");
      } else if (!(mv instanceof Map<?, ?> mm) || mm.isEmpty()) {
        r.err("label.mapping", mv, "is not a non-empty mapping", example);
      } else {
        for (Map.Entry<?, ?> e : mm.entrySet()) {
          Object k = e.getKey();
          String text = k == null ? "" : String.valueOf(k).trim();
          if (k instanceof Map<?, ?> || k instanceof List<?> || text.isEmpty()) {
            r.err("label.mapping", k, "is not a label value", example);
            continue;
          }
          String key = "label.mapping." + text;
          long hi = kind == LabelKind.BINARY ? 1 : Integer.MAX_VALUE;
          Long c = r.wholeValue(key, e.getValue(), 0, hi);
          if (c == null) {
            continue;
          }
          if (kind == LabelKind.MULTICLASS
              && !classes.isEmpty()
              && !classes.contains(c.intValue())) {
            r.err(
                key,
                e.getValue(),
                "is not one of label.classes " + classes,
                "map it to a declared class or add the class to label.classes");
          } else if (mapping.putIfAbsent(text, c.intValue()) != null) {
            r.err(key, k, "is mapped twice (keys are compared after trimming)", "keep one of them");
          }
        }
      }
    }
    if (field == null || kind == null) {
      return null;
    }
    return new LabelSpec(field, kind, onNull, mapping, classes, min, max);
  }
}
