package io.driftgate.core.registry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** Helpers: model directories on disk and a deterministic clock. */
final class TestModels {
  private TestModels() {}

  /** A small model directory with nested files; {@code seed} varies the parameters. */
  static Path modelDir(Path parent, String name, String seed, boolean withManifest) {
    Path dir = parent.resolve(name);
    write(dir.resolve("params.bin"), "weights-" + seed);
    write(dir.resolve("preprocessing.json"), "{\"scale\":[1.0,2.0]}");
    write(dir.resolve("spec.yaml"), "model: fraud\n");
    write(dir.resolve("metrics.json"), "{\"auc\":0.91}");
    write(dir.resolve("validation/predictions.csv"), "id,p\n1,0.2\n2,0.9\n");
    if (withManifest) {
      ModelDirectory.writeManifest(dir);
    }
    return dir;
  }

  static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      if (Files.exists(file)) {
        file.toFile().setWritable(true, true);
      }
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A clock that starts at {@code start} and advances one second per reading. */
  static final class TickingClock extends Clock {
    private final AtomicLong seconds;

    TickingClock(Instant start) {
      this.seconds = new AtomicLong(start.getEpochSecond());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(seconds.getAndIncrement());
    }

    /** The instant the next reading will return. */
    Instant peek() {
      return Instant.ofEpochSecond(seconds.get());
    }
  }
}
