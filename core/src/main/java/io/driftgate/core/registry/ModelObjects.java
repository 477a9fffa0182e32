package io.driftgate.core.registry;

import io.driftgate.core.state.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Model directories in the artifact store, for processes without the registry's database (training
 * and gate pods): a model as content-addressed blobs named by its {@link Manifest} (the registry's
 * own layout, so registering it later writes no file again), or a folder copied object by object.
 */
public final class ModelObjects {
  private ModelObjects() {}

  /**
   * Writes every file of a model directory as the content-addressed blob of its sha256 ({@link
   * ArtifactStore#blobKey}) and returns the directory's manifest: its {@code manifest.json},
   * verified (a tampered directory is refused), or one computed when it has none.
   *
   * @throws TamperedModelException when the directory does not match its manifest
   */
  public static Manifest putBlobs(ArtifactStore store, Path dir) {
    Map<String, Path> files = ModelDirectory.scan(dir, true);
    Manifest manifest;
    if (Files.exists(dir.resolve(ModelDirectory.MANIFEST), LinkOption.NOFOLLOW_LINKS)) {
      manifest = ModelDirectory.verify(dir);
    } else {
      Map<String, String> hashes = new TreeMap<>();
      files.forEach((rel, p) -> hashes.put(rel, Sha256.ofFile(p)));
      manifest = Manifest.of(hashes);
    }
    putFiles(store, manifest, files);
    return manifest;
  }

  /** Writes each distinct blob of {@code manifest} once, from the file that holds it. */
  static void putFiles(ArtifactStore store, Manifest manifest, Map<String, Path> files) {
    Set<String> written = new LinkedHashSet<>();
    manifest
        .files()
        .forEach(
            (rel, sha) -> {
              if (written.add(sha)) {
                store.putBlob(files.get(rel), sha);
              }
            });
  }

  /**
   * Copies the blobs a manifest names into {@code target} (created, must be empty), checking every
   * file's sha256, and writes the manifest as its {@code manifest.json}.
   *
   * @throws TamperedModelException when a blob is missing or its bytes are not the manifest's
   */
  public static Path materialize(ArtifactStore store, Manifest manifest, Path target) {
    String recomputed = Manifest.contentHashOf(manifest.files());
    if (!recomputed.equals(manifest.contentHash())) {
      throw new TamperedModelException(
          target,
          List.of(
              new TamperedModelException.Problem(
                  ModelDirectory.MANIFEST,
                  TamperedModelException.Kind.MANIFEST_INVALID,
                  manifest.contentHash(),
                  recomputed)));
    }
    try {
      Files.createDirectories(target);
      try (Stream<Path> s = Files.list(target)) {
        if (s.findAny().isPresent()) {
          throw new IllegalArgumentException("not an empty folder: " + target);
        }
      }
      List<TamperedModelException.Problem> problems = copyFiles(store, manifest, target);
      if (!problems.isEmpty()) {
        throw new TamperedModelException(target, problems);
      }
      Files.write(
          target.resolve(ModelDirectory.MANIFEST), ModelDirectory.JSON.writeValueAsBytes(manifest));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy a model into " + target, e);
    }
  }

  /**
   * Copies each file of {@code manifest} from the store into {@code folder}, checking it against
   * its hash as it is copied.
   *
   * @return the files that are missing from the store or changed there (empty when all match)
   */
  static List<TamperedModelException.Problem> copyFiles(
      ArtifactStore store, Manifest manifest, Path folder) throws IOException {
    List<TamperedModelException.Problem> problems = new ArrayList<>();
    for (Map.Entry<String, String> f : manifest.files().entrySet()) {
      Path file = folder.resolve(f.getKey()).normalize();
      if (!file.startsWith(folder.normalize())) {
        throw new IllegalStateException("manifest path escapes the model folder: " + f.getKey());
      }
      Files.createDirectories(file.getParent());
      String actual;
      try {
        actual = store.copyTo(ArtifactStore.blobKey(f.getValue()), file);
      } catch (NoSuchElementException e) {
        problems.add(
            new TamperedModelException.Problem(
                f.getKey(), TamperedModelException.Kind.REMOVED, f.getValue(), null));
        continue;
      }
      if (!actual.equals(f.getValue())) {
        problems.add(
            new TamperedModelException.Problem(
                f.getKey(), TamperedModelException.Kind.CHANGED, f.getValue(), actual));
      }
    }
    return problems;
  }

  /** A manifest as JSON bytes (what {@code manifest.json} holds). */
  public static byte[] json(Manifest manifest) {
    try {
      return ModelDirectory.JSON.writeValueAsBytes(manifest);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@link #json} bytes. */
  public static Manifest manifest(byte[] json) {
    try {
      return ModelDirectory.JSON.readValue(json, Manifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("not a manifest: " + e.getMessage(), e);
    }
  }

  /**
   * Writes every file under {@code dir} as the object {@code prefix/<relative path>}, replacing
   * what is there; {@code manifest.json} last, so that a reader who finds it finds the files it
   * lists.
   */
  public static void putFolder(ArtifactStore store, String prefix, Path dir) {
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    Path manifest = null;
    for (Path f : files) {
      String rel = dir.relativize(f).toString().replace('\\', '/');
      if (rel.equals(ModelDirectory.MANIFEST)) {
        manifest = f;
      } else {
        store.putFile(prefix + "/" + rel, f);
      }
    }
    if (manifest != null) {
      store.putFile(prefix + "/" + ModelDirectory.MANIFEST, manifest);
    }
  }

  /** Copies every object under {@code prefix/} into {@code target}; returns how many. */
  public static int getFolder(ArtifactStore store, String prefix, Path target) {
    return store.getFolder(prefix, target, rel -> true);
  }
}
