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
 * @param lakeSnapshot pinned lake commit, or null
 * @param requestedAt decision time of the policy
 */
public record RunRequest(
    List<String> reasons,
    Instant dataFrom,
    Instant dataTo,
    String lakeSnapshot,
    Instant requestedAt) {
  public RunRequest {
    reasons = reasons == null ? List.of() : List.copyOf(reasons);
    Objects.requireNonNull(dataFrom, "dataFrom");
    Objects.requireNonNull(dataTo, "dataTo");
    Objects.requireNonNull(requestedAt, "requestedAt");
  }

  public static RunRequest from(RetrainRequest r) {
    return new RunRequest(
        r.getReasons(), r.getDataFrom(), r.getDataTo(), r.getLakeSnapshot(), r.getRequestedAt());
  }
}
