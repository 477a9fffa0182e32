package io.driftgate.core.registry;

import java.nio.file.Path;
import java.util.List;

/**
 * A model directory, or a registered version's objects in the artifact store, do not match the
 * manifest: a file was added, removed or changed, or the manifest itself is missing or
 * inconsistent. {@link #file()}, {@link #expectedSha256()} and {@link #actualSha256()} describe the
 * first problem (in path order); {@link #problems()} lists them all.
 */
public class TamperedModelException extends RuntimeException {

  /** What is wrong with one file. */
  public enum Kind {
    /** On disk but not in the manifest. */
    ADDED,
    /** In the manifest but not on disk. */
    REMOVED,
    /** On disk with a different sha256 than the manifest's. */
    CHANGED,
    /** manifest.json missing, unreadable, or its content hash does not match its entries. */
    MANIFEST_INVALID
  }

  /**
   * One discrepancy.
   *
   * @param file '/'-separated path relative to the model directory
   * @param kind what is wrong
   * @param expectedSha256 what the manifest (or registry record) says; null for {@link Kind#ADDED}
   * @param actualSha256 what is on disk; null for {@link Kind#REMOVED}
   */
  public record Problem(String file, Kind kind, String expectedSha256, String actualSha256) {
    @Override
    public String toString() {
      return switch (kind) {
        case ADDED -> "file '" + file + "' added (not in manifest, sha256 " + actualSha256 + ")";
        case REMOVED -> "file '" + file + "' removed (manifest sha256 " + expectedSha256 + ")";
        case CHANGED ->
            "file '"
                + file
                + "' changed (manifest sha256 "
                + expectedSha256
                + ", actual sha256 "
                + actualSha256
                + ")";
        case MANIFEST_INVALID ->
            "'" + file + "' invalid (expected " + expectedSha256 + ", actual " + actualSha256 + ")";
      };
    }
  }

  private final Path directory;
  private final String location;
  private final List<Problem> problems;

  public TamperedModelException(Path directory, List<Problem> problems) {
    this(directory, "model directory " + directory, problems);
  }

  /**
   * Objects of a registered version that do not match its manifest.
   *
   * @param location what was read, e.g. the version and the artifact store's root
   */
  public TamperedModelException(String location, List<Problem> problems) {
    this(null, location, problems);
  }

  private TamperedModelException(Path directory, String location, List<Problem> problems) {
    super(message(location, problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("no problems");
    }
    this.directory = directory;
    this.location = location;
    this.problems = List.copyOf(problems);
  }

  private static String message(String location, List<Problem> problems) {
    StringBuilder sb = new StringBuilder(location).append(" tampered: ");
    for (int i = 0; i < problems.size(); i++) {
      sb.append(i == 0 ? "" : "; ").append(problems.get(i));
    }
    return sb.toString();
  }

  /** The local model directory that failed verification; null for objects in the store. */
  public Path directory() {
    return directory;
  }

  /** What failed verification, for messages. */
  public String location() {
    return location;
  }

  public List<Problem> problems() {
    return problems;
  }

  public String file() {
    return problems.get(0).file();
  }

  public Kind kind() {
    return problems.get(0).kind();
  }

  public String expectedSha256() {
    return problems.get(0).expectedSha256();
  }

  public String actualSha256() {
    return problems.get(0).actualSha256();
  }
}
