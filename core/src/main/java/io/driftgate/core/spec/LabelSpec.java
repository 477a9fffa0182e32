package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The training target ({@code label}) and the rules a label value must follow.
 *
 * @param field field name in the reader schema; also the label column name in the lake
 * @param kind binary, multiclass or regression
 * @param onNull what a null label does (default {@link LabelNullPolicy#KEEP})
 * @param mapping binary and multiclass: raw label value (its text, trimmed) to class; when not
 *     empty, every label value must be one of its keys. Empty means the value is the class itself
 * @param classes multiclass: the declared classes; empty means any class {@code >= 0}
 * @param min regression: inclusive lower bound, or null
 * @param max regression: inclusive upper bound, or null
 */
public record LabelSpec(
    String field,
    LabelKind kind,
    LabelNullPolicy onNull,
    Map<String, Integer> mapping,
    Set<Integer> classes,
    Double min,
    Double max)
    implements Serializable {

  public LabelSpec {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(kind, "kind");
    onNull = onNull == null ? LabelNullPolicy.KEEP : onNull;
    mapping =
        mapping == null || mapping.isEmpty()
            ? Collections.emptyMap()
            : Collections.unmodifiableMap(new LinkedHashMap<>(mapping));
    classes =
        classes == null || classes.isEmpty()
            ? Collections.emptySet()
            : Collections.unmodifiableSet(new TreeSet<>(classes));
  }

  /** A label with no mapping, classes or range, keeping null labels. */
  public LabelSpec(String field, LabelKind kind) {
    this(field, kind, LabelNullPolicy.KEEP, null, null, null, null);
  }
}
