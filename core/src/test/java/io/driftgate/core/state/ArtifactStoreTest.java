package io.driftgate.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.stream.Stream;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.gcp.gcs.GCSFileIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Whole-object writes, reads, listing and deletion on a folder and on (fake) Cloud Storage. */
class ArtifactStoreTest {
  enum Kind {
    FOLDER,
    FAKE_GCS
  }

  @TempDir Path tmp;

  private ArtifactStore store(Kind kind) {
    return switch (kind) {
      case FOLDER -> ArtifactStore.open(tmp.resolve("artifacts").toString());
      case FAKE_GCS -> {
        Storage storage = LocalStorageHelper.customOptions(false).getService();
        GCSFileIO io = new GCSFileIO(() -> storage);
        io.initialize(Map.of());
        yield new ArtifactStore("gs://bucket/prefix/", io);
      }
    };
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void contentAddressedBlobsAreWrittenOnceAndReadBack(Kind kind) throws Exception {
    ArtifactStore store = store(kind);
    byte[] bytes = "model weights".getBytes(StandardCharsets.UTF_8);
    Path file = tmp.resolve("w.bin");
    Files.write(file, bytes);
    String sha = sha256(bytes);
    String key = ArtifactStore.blobKey(sha);
    assertThat(key).isEqualTo("blobs/sha256/" + sha.substring(0, 2) + "/" + sha);
    assertThat(ArtifactStore.blobSha256(key)).isEqualTo(sha);
    assertThat(ArtifactStore.blobSha256("manifests/x/" + sha + ".json")).isNull();

    assertThat(store.exists(key)).isFalse();
    assertThat(store.putBlob(file, sha)).isTrue();
    assertThat(store.putBlob(file, sha)).as("already there").isFalse();
    assertThat(store.read(key)).isEqualTo(bytes);
    assertThat(store.length(key)).isEqualTo(bytes.length);
    Path copy = tmp.resolve("copy.bin");
    assertThat(store.copyTo(key, copy)).isEqualTo(sha);
    assertThat(copy).hasBinaryContent(bytes);
    assertThat(store.location(key)).isEqualTo(store.root() + "/" + key);
    if (kind == Kind.FAKE_GCS) {
      assertThat(store.root()).isEqualTo("gs://bucket/prefix");
    } else {
      assertThat(tmp.resolve("artifacts").resolve(key)).hasBinaryContent(bytes);
      try (Stream<Path> all = Files.walk(tmp.resolve("artifacts"))) {
        assertThat(all.filter(Files::isRegularFile)).as("no side files").hasSize(1);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aFileThatChangesWhileStoredIsRefusedAndLeavesNoObject(Kind kind) throws Exception {
    ArtifactStore store = store(kind);
    Path file = tmp.resolve("w.bin");
    Files.writeString(file, "now");
    String claimed = sha256("before".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> store.putBlob(file, claimed))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("changed while it was stored");
    assertThat(store.exists(ArtifactStore.blobKey(claimed))).isFalse();
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void aTornObjectIsWrittenAgain(Kind kind) throws Exception {
    ArtifactStore store = store(kind);
    byte[] bytes = "0123456789".getBytes(StandardCharsets.UTF_8);
    String sha = sha256(bytes);
    String key = ArtifactStore.blobKey(sha);
    store.putIfAbsent(key, "01234".getBytes(StandardCharsets.UTF_8)); // half of it
    Path file = tmp.resolve("w.bin");
    Files.write(file, bytes);
    assertThat(store.putBlob(file, sha)).isTrue();
    assertThat(store.read(key)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void createRefusesATakenKeyAndListingAndDeletionWork(Kind kind) throws Exception {
    ArtifactStore store = store(kind);
    store.create("decisions/fraud/1.avro", new byte[] {1});
    assertThatThrownBy(() -> store.create("decisions/fraud/1.avro", new byte[] {2}))
        .isInstanceOf(AlreadyExistsException.class);
    assertThat(store.read("decisions/fraud/1.avro")).containsExactly(1);
    store.create("decisions/fraud/2.avro", new byte[] {2, 2});
    store.create("decisions/other/1.avro", new byte[] {3});
    assertThat(store.list("decisions/fraud/"))
        .extracting(ArtifactStore.StoredObject::key, ArtifactStore.StoredObject::size)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("decisions/fraud/1.avro", 1L),
            org.assertj.core.groups.Tuple.tuple("decisions/fraud/2.avro", 2L));
    assertThat(store.list("nothing/")).isEmpty();
    store.delete("decisions/fraud/1.avro");
    assertThat(store.exists("decisions/fraud/1.avro")).isFalse();
    assertThatThrownBy(() -> store.read("decisions/fraud/1.avro"))
        .isInstanceOf(NoSuchElementException.class);
    assertThat(store.list("decisions/")).hasSize(2);
    if (kind == Kind.FOLDER) {
      assertThat(store.list("decisions/fraud/").get(0).createdAtMillis()).isPositive();
    }
  }

  @Test
  void badKeysAndRootsAreRefused() {
    ArtifactStore store = store(Kind.FOLDER);
    for (String bad : new String[] {"../x", "a/../../x", "/abs", "a//b", ""}) {
      assertThatThrownBy(() -> store.location(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> ArtifactStore.open("s3://bucket/x"))
        .hasMessageContaining("neither a folder nor gs://");
    assertThatThrownBy(() -> ArtifactStore.blobKey("abc"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
