package io.driftgate.core.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The media test spec ({@code src/test/resources/media}): an 8x8 grey image feature {@code picture}
 * (PNG or raw, required), a text feature {@code review} (max 200 characters) and a numeric {@code
 * score}, over MediaEvent.avsc.
 */
public final class MediaSpecs {
  /** The spec's folder, from the core module or a sibling module (testkit, streaming). */
  public static final Path DIR =
      Files.isDirectory(Path.of("src/test/resources/media/MediaEvent.avsc").getParent())
              && Files.exists(Path.of("src/test/resources/media/MediaEvent.avsc"))
          ? Path.of("src/test/resources/media").toAbsolutePath()
          : Path.of("../core/src/test/resources/media").toAbsolutePath().normalize();

  private MediaSpecs() {}

  public static String yaml() {
    try {
      return Files.readString(DIR.resolve("media.yaml"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ModelSpec parse(String yaml) {
    return SpecLoader.parse(yaml, DIR);
  }

  public static ModelSpec media() {
    return parse(yaml());
  }
}
