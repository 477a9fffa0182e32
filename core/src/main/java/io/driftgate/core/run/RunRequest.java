package io.driftgate.core.run;

import io.driftgate.schemas.RetrainRequest;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What a run was asked to do: the part of a {@link RetrainRequest} the launcher keeps.
 *
 * @param reasons drift, critical_feature_drift, volume, max_age
 * @param dataFrom inclusive start of the training range
 * @param dataTo exclusive end of the training range
 * @param lakeSnapshot pinned lake commit (records-table snapshot id), or null until the launcher
 *     pins one
 * @param requestedAt decision time of the policy
 * @param lakeMetadataLocation the records table's metadata file holding {@code lakeSnapshot}, for
 *     steps that read the lake without its catalog; null when they go through the catalog
 */
public record RunRequest(
    List<String> reasons,
    Instant dataFrom,
    Instant dataTo,
    String lakeSnapshot,
    Instant requestedAt,
    String lakeMetadataLocation) {
  public RunRequest {
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    Objects.requireNonNull(dataFrom, "dataFrom");
    Objects.requireNonNull(dataTo, "dataTo");
    Objects.requireNonNull(requestedAt, "requestedAt");
    lakeSnapshot = lakeSnapshot == null || lakeSnapshot.isBlank() ? null : lakeSnapshot;
    lakeMetadataLocation =
        lakeMetadataLocation == null || lakeMetadataLocation.isBlank()
            ? null
            : lakeMetadataLocation;
  }

  /** A request without a metadata location. */
  public RunRequest(
      List<String> reasons,
      Instant dataFrom,
      Instant dataTo,
      String lakeSnapshot,
      Instant requestedAt) {
    this(reasons, dataFrom, dataTo, lakeSnapshot, requestedAt, null);
  }

  public static RunRequest from(RetrainRequest r) {
    return new RunRequest(
        r.getReasons(), r.getDataFrom(), r.getDataTo(), r.getLakeSnapshot(), r.getRequestedAt());
  }

  /** The same request pinned to a lake snapshot (and its metadata file, or null). */
  public RunRequest withLakeSnapshot(String snapshot, String metadataLocation) {
    return new RunRequest(reasons, dataFrom, dataTo, snapshot, requestedAt, metadataLocation);
  }

  /** The pinned snapshot as a number, or null when none is pinned. */
  public Long lakeSnapshotId() {
    if (lakeSnapshot == null) {
      return null;
    }
    try {
      return Long.parseLong(lakeSnapshot.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "lake snapshot '" + lakeSnapshot + "' is not a snapshot id (a number)", e);
    }
  }
}
