package io.driftgate.core.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A model directory: arbitrary files plus a {@code manifest.json} that lists every other regular
 * file with its sha256 (see {@link Manifest}). Symbolic links and other non-regular files are not
 * allowed in a model directory.
 */
public final class ModelDirectory {

  /** Name of the manifest file at the root of a model directory. */
  public static final String MANIFEST = "manifest.json";

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ModelDirectory() {}

  /**
   * Hashes every regular file under {@code dir} (except {@code manifest.json} at its root) and
   * writes {@code dir/manifest.json}, replacing any existing one.
   *
   * @throws IllegalArgumentException if {@code dir} is not a directory or holds a symbolic link or
   *     another non-regular file
   */
  public static Manifest writeManifest(Path dir) {
    Map<String, String> files = new TreeMap<>();
    for (Map.Entry<String, Path> e : scan(dir, true).entrySet()) {
      files.put(e.getKey(), Sha256.ofFile(e.getValue()));
    }
    Manifest manifest = Manifest.of(files);
    Path target = dir.resolve(MANIFEST);
    Path tmp = dir.resolve(MANIFEST + ".tmp");
    try {
      Files.deleteIfExists(tmp);
      JSON.writeValue(tmp.toFile(), manifest);
      Files.move(
          tmp,
          target,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
    return manifest;
  }

  /** Reads {@code dir/manifest.json} without verifying anything. */
  public static Manifest readManifest(Path dir) {
    Path file = dir.resolve(MANIFEST);
    try {
      return JSON.readValue(file.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Checks {@code dir} against its manifest: every listed file present with the listed sha256, no
   * other file present (symbolic links and other non-regular files count as added), and the
   * manifest's content hash consistent with its entries.
   *
   * @return the verified manifest
   * @throws TamperedModelException naming every file that was added, removed or changed
   */
  public static Manifest verify(Path dir) {
    Path manifestFile = dir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
      throw new TamperedModelException(
          dir,
          List.of(
              new TamperedModelException.Problem(
                  MANIFEST, TamperedModelException.Kind.MANIFEST_INVALID, "present", "missing")));
    }
    Manifest manifest;
    try {
      manifest = JSON.readValue(manifestFile.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new TamperedModelException(
          dir,
          List.of(
              new TamperedModelException.Problem(
                  MANIFEST,
                  TamperedModelException.Kind.MANIFEST_INVALID,
                  "valid JSON",
                  "unparseable: " + e.getMessage())));
    }
    List<TamperedModelException.Problem> problems = new ArrayList<>();
    String recomputed = Manifest.contentHashOf(manifest.files());
    if (manifest.contentHash() == null || !manifest.contentHash().equals(recomputed)) {
      problems.add(
          new TamperedModelException.Problem(
              MANIFEST,
              TamperedModelException.Kind.MANIFEST_INVALID,
              manifest.contentHash(),
              recomputed));
    }
    Map<String, Path> onDisk = scan(dir, false);
    TreeSet<String> all = new TreeSet<>(onDisk.keySet());
    all.addAll(manifest.files().keySet());
    for (String rel : all) {
      String expected = manifest.files().get(rel);
      Path file = onDisk.get(rel);
      if (file == null) {
        problems.add(
            new TamperedModelException.Problem(
                rel, TamperedModelException.Kind.REMOVED, expected, null));
        continue;
      }
      String actual =
          Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) ? Sha256.ofFile(file) : "not-a-file";
      if (expected == null) {
        problems.add(
            new TamperedModelException.Problem(
                rel, TamperedModelException.Kind.ADDED, null, actual));
      } else if (!expected.equals(actual)) {
        problems.add(
            new TamperedModelException.Problem(
                rel, TamperedModelException.Kind.CHANGED, expected, actual));
      }
    }
    if (!problems.isEmpty()) {
      throw new TamperedModelException(dir, problems);
    }
    return manifest;
  }

  /**
   * Every non-directory entry under {@code dir} except the root manifest, keyed by '/'-path.
   *
   * @param strict reject symbolic links and other non-regular files (else they are returned)
   */
  static Map<String, Path> scan(Path dir, boolean strict) {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("not a directory: " + dir);
    }
    Map<String, Path> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String rel = relative(dir, p);
        if (rel.equals(MANIFEST) || (strict && rel.equals(MANIFEST + ".tmp"))) {
          continue;
        }
        if (strict && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new IllegalArgumentException(
              "model directory " + dir + " holds a non-regular file (symlink?): " + rel);
        }
        out.put(rel, p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return out;
  }

  static String relative(Path dir, Path file) {
    Path rel = dir.relativize(file);
    StringBuilder sb = new StringBuilder();
    for (Path part : rel) {
      sb.append(sb.length() == 0 ? "" : "/").append(part);
    }
    return sb.toString();
  }
}
