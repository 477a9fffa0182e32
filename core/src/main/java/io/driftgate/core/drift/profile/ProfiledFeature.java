package io.driftgate.core.drift.profile;

import java.util.Objects;

/** A feature to profile: its name in the row map and its kind. */
public record ProfiledFeature(String name, ProfiledKind kind) implements java.io.Serializable {
  public ProfiledFeature {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }

  public static ProfiledFeature numeric(String name) {
    return new ProfiledFeature(name, ProfiledKind.NUMERIC);
  }

  public static ProfiledFeature categorical(String name) {
    return new ProfiledFeature(name, ProfiledKind.CATEGORICAL);
  }
}
