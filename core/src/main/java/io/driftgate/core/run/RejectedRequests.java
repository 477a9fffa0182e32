package io.driftgate.core.run;

import java.util.List;

/** Where a launcher keeps the retrain requests it could not take (its dead letters). */
public interface RejectedRequests {

  /**
   * Keeps {@code r}; returns once it is durable, so that the caller may then commit the record's
   * offset. A record kept before (re-delivered after a crash) is not kept twice.
   *
   * @return true when written now, false when it was kept before
   */
  boolean record(RejectedRequest r);

  /** Every request of {@code model} kept so far, oldest first. */
  List<RejectedRequest> list(String model);
}
