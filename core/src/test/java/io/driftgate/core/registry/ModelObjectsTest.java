package io.driftgate.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.testing.Stores;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Model directories as objects, for processes without the registry's database. */
class ModelObjectsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Stores.class)
  void aModelAsBlobsComesBackWholeAndCheckedWithItsManifest(Stores kind) throws Exception {
    try (ArtifactStore store = kind.create(dir)) {
      Path model = TestModels.modelDir(dir, "m", "1", false);
      Manifest m = ModelObjects.putBlobs(store, model);
      assertThat(m.files())
          .containsOnlyKeys(
              "params.bin",
              "preprocessing.json",
              "spec.yaml",
              "metrics.json",
              "validation/predictions.csv");
      // the registry's layout: one blob per distinct content
      for (String sha : m.files().values()) {
        assertThat(store.exists(ArtifactStore.blobKey(sha))).isTrue();
      }
      assertThat(ModelObjects.putBlobs(store, model)).as("again: same manifest").isEqualTo(m);

      Path copy = ModelObjects.materialize(store, m, dir.resolve("copy"));
      assertThat(ModelDirectory.verify(copy)).isEqualTo(m);
      assertThat(Files.readString(copy.resolve("validation/predictions.csv")))
          .isEqualTo(Files.readString(model.resolve("validation/predictions.csv")));
      assertThat(ModelObjects.manifest(ModelObjects.json(m))).isEqualTo(m);

      // a directory with its manifest is verified first: a changed file is refused
      Path signed = TestModels.modelDir(dir, "signed", "2", true);
      TestModels.write(signed.resolve("params.bin"), "changed");
      assertThatThrownBy(() -> ModelObjects.putBlobs(store, signed))
          .isInstanceOf(TamperedModelException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Stores.class)
  void aChangedOrMissingBlobIsRefusedOnTheWayBack(Stores kind) throws Exception {
    try (ArtifactStore store = kind.create(dir)) {
      Manifest m = ModelObjects.putBlobs(store, TestModels.modelDir(dir, "m", "1", false));
      String params = m.files().get("params.bin");
      store.put(ArtifactStore.blobKey(params), "not the weights".getBytes());
      assertThatThrownBy(() -> ModelObjects.materialize(store, m, dir.resolve("a")))
          .isInstanceOf(TamperedModelException.class)
          .hasMessageContaining("params.bin");
      store.delete(ArtifactStore.blobKey(params));
      assertThatThrownBy(() -> ModelObjects.materialize(store, m, dir.resolve("b")))
          .isInstanceOf(TamperedModelException.class)
          .hasMessageContaining("params.bin");
      // a manifest whose hash is not its files' is refused before any copy
      Manifest forged = new Manifest(m.files(), "0".repeat(64));
      assertThatThrownBy(() -> ModelObjects.materialize(store, forged, dir.resolve("c")))
          .isInstanceOf(TamperedModelException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Stores.class)
  void aFolderIsWrittenObjectByObjectAndReadBack(Stores kind) throws Exception {
    try (ArtifactStore store = kind.create(dir)) {
      Path model = TestModels.modelDir(dir, "m", "1", true);
      ModelObjects.putFolder(store, "runs/m/r/best-1", model);
      assertThat(store.list("runs/m/r/best-1/"))
          .extracting(ArtifactStore.StoredObject::key)
          .contains("runs/m/r/best-1/manifest.json", "runs/m/r/best-1/validation/predictions.csv");
      // written again (a retried pod): replaced, not refused
      ModelObjects.putFolder(store, "runs/m/r/best-1", model);
      Path back = dir.resolve("back");
      assertThat(ModelObjects.getFolder(store, "runs/m/r/best-1", back)).isEqualTo(6);
      assertThat(ModelDirectory.verify(back)).isEqualTo(ModelDirectory.verify(model));
    }
  }
}
