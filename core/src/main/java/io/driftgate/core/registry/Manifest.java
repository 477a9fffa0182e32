package io.driftgate.core.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The content of a model directory's {@code manifest.json}.
 *
 * @param files sha256 (lower-case hex) of every regular file except {@code manifest.json}, keyed by
 *     its '/'-separated path relative to the model directory, sorted by path
 * @param contentHash sha256 over the sorted {@code "path sha256\n"} lines: the identity of the
 *     whole directory (see {@link #contentHashOf(Map)})
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Manifest(Map<String, String> files, String contentHash) {

  public Manifest {
    files = Collections.unmodifiableSortedMap(new TreeMap<>(files == null ? Map.of() : files));
  }

  /** Builds a manifest from file hashes, computing the content hash. */
  public static Manifest of(Map<String, String> files) {
    TreeMap<String, String> sorted = new TreeMap<>(files);
    return new Manifest(sorted, contentHashOf(sorted));
  }

  /**
   * sha256 (hex) of the UTF-8 concatenation of {@code path + " " + sha256 + "\n"} for every entry,
   * in ascending (String) path order.
   */
  public static String contentHashOf(Map<String, String> files) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(files).forEach((p, h) -> sb.append(p).append(' ').append(h).append('\n'));
    return Sha256.of(sb.toString());
  }
}
