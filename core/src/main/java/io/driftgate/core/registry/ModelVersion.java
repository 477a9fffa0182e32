package io.driftgate.core.registry;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One immutable, content-addressed version of a model.
 *
 * @param model model name
 * @param versionId {@code sha256:} + the first 16 hex digits of {@code contentHash}
 * @param contentHash the manifest's content hash (64 hex)
 * @param registeredAt when this content was first registered (re-registering keeps it)
 * @param metadata free-form metadata given at first registration
 * @param path the local model directory (files + manifest.json) that {@link ModelRegistry#load}
 *     copies the version into and verifies; it exists once the version was loaded on this machine,
 *     and is only to be read through {@code load}
 */
public record ModelVersion(
    String model,
    String versionId,
    String contentHash,
    Instant registeredAt,
    Map<String, String> metadata,
    Path path) {

  public ModelVersion {
    metadata =
        Collections.unmodifiableSortedMap(new TreeMap<>(metadata == null ? Map.of() : metadata));
  }

  /** The version id for a content hash: {@code sha256:<first 16 hex>}. */
  public static String idFor(String contentHash) {
    return "sha256:" + contentHash.substring(0, 16);
  }
}
