package io.driftgate.core.testing;

import io.driftgate.core.state.ArtifactStore;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

/**
 * The artifact stores artifact tests run on: {@code @ParameterizedTest @EnumSource(Stores.class)}
 * runs a case on a local folder and on the in-memory fake of Cloud Storage ({@link FakeGcsFileIO}).
 */
public enum Stores {
  /** A local folder through HadoopFileIO. */
  FOLDER {
    @Override
    public String root(Path dir) {
      return dir.toAbsolutePath().resolve("artifacts-" + UUID.randomUUID()).toString();
    }
  },
  /** GCSFileIO on the fake of Cloud Storage: whole objects, no rename, no link. */
  FAKE_GCS {
    @Override
    public String root(Path dir) {
      return "gs://driftgate-test/artifacts-" + UUID.randomUUID();
    }
  };

  /** A new, empty store's root (a second {@link #open} of it sees the same objects). */
  public abstract String root(Path dir);

  /** The FileIO settings that reach this store ({@code io-impl} of the fake). */
  public Map<String, String> io() {
    return this == FAKE_GCS
        ? Map.of(ArtifactStore.IO_IMPL, FakeGcsFileIO.class.getName())
        : Map.of();
  }

  public ArtifactStore open(String root) {
    return ArtifactStore.open(root, io());
  }

  /** A new, empty store. */
  public ArtifactStore create(Path dir) {
    return open(root(dir));
  }
}
