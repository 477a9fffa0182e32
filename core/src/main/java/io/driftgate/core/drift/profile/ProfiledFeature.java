package io.driftgate.core.drift.profile;

import java.util.Objects;

/**
 * A feature to profile: its name in the row map, its kind and, for an image feature, how its bytes
 * decode (null for other kinds).
 */
public record ProfiledFeature(String name, ProfiledKind kind, ImageShape image)
    implements java.io.Serializable {
  public ProfiledFeature {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    if (kind == ProfiledKind.IMAGE) {
      Objects.requireNonNull(image, "image shape of an image feature");
    } else {
      image = null;
    }
  }

  /** A numeric, categorical or text feature. */
  public ProfiledFeature(String name, ProfiledKind kind) {
    this(name, kind, null);
  }

  public static ProfiledFeature numeric(String name) {
    return new ProfiledFeature(name, ProfiledKind.NUMERIC);
  }

  public static ProfiledFeature categorical(String name) {
    return new ProfiledFeature(name, ProfiledKind.CATEGORICAL);
  }

  public static ProfiledFeature text(String name) {
    return new ProfiledFeature(name, ProfiledKind.TEXT);
  }

  public static ProfiledFeature image(String name, ImageShape shape) {
    return new ProfiledFeature(name, ProfiledKind.IMAGE, shape);
  }

  /** A new, empty profile for this feature ({@code kllK} etc. for numeric and categorical). */
  FeatureProfile newProfile(int kllK, int maxExactDistinct, int sketchMapSize) {
    return switch (kind) {
      case NUMERIC -> new NumericProfile(kllK);
      case CATEGORICAL -> new CategoricalProfile(maxExactDistinct, sketchMapSize);
      case IMAGE -> new ImageProfile(image);
      case TEXT -> new TextProfile();
    };
  }
}
