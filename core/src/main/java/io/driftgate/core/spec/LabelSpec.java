package io.driftgate.core.spec;

import java.io.Serializable;
import java.util.Objects;

/**
 * The training target ({@code label}).
 *
 * @param field field name in the reader schema; also the label column name in the lake
 * @param kind binary, multiclass or regression
 */
public record LabelSpec(String field, LabelKind kind) implements Serializable {
  public LabelSpec {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(kind, "kind");
  }
}
