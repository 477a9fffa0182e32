package io.driftgate.core.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Exported {@link RetrainPolicy} state, so a restarted monitor resumes where it stopped. Instants
 * are ISO-8601 strings; JSON via {@link #toJson()} / {@link #fromJson(String)}.
 *
 * @param models per-model state, keyed by model name
 */
public record PolicyState(Map<String, ModelState> models) {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  public PolicyState {
    models = Map.copyOf(new TreeMap<>(models));
  }

  /** The state of a policy that has seen nothing. */
  public static PolicyState empty() {
    return new PolicyState(Map.of());
  }

  /**
   * One model's state.
   *
   * @param firstWindowStart start of the first window seen
   * @param lastWindowEnd end of the latest window seen (older windows are ignored)
   * @param trainedUntil {@code dataTo} of the latest request, or null
   * @param ageAnchor latest request's trigger end or run start (for MAX_AGE), or null
   * @param lastRunStart latest run start, or null
   * @param recordsSinceLastRequest valid records since the latest request
   * @param driftStreak consecutive windows with share at or above the threshold
   * @param criticalStreak consecutive windows with a critical feature drifted
   * @param recentReportIds report ids of the latest (at most k) consecutive windows
   * @param inFlight requests emitted and not yet finished
   * @param lastRunFinish latest run finish, or null
   * @param pendingPerformance a performance alarm waiting for its request, or null
   */
  public record ModelState(
      String firstWindowStart,
      String lastWindowEnd,
      String trainedUntil,
      String ageAnchor,
      String lastRunStart,
      long recordsSinceLastRequest,
      int driftStreak,
      int criticalStreak,
      List<String> recentReportIds,
      List<InFlightRun> inFlight,
      String lastRunFinish,
      PendingAlarm pendingPerformance) {
    public ModelState {
      recentReportIds = recentReportIds == null ? List.of() : List.copyOf(recentReportIds);
      inFlight = inFlight == null ? List.of() : List.copyOf(inFlight);
    }
  }

  /**
   * A performance alarm the policy holds until its request is emitted (see {@link
   * RetrainPolicy#holdPerformance}).
   *
   * @param detector the detector that fired
   * @param metric the monitored quantity
   * @param changePoint the estimated change point (ISO-8601)
   * @param before the metric before the change
   * @param after the metric after it
   * @param notBefore the request's window must end at or after this (ISO-8601)
   * @param recordsAfterChange valid records seen since in windows starting at or after the change
   */
  public record PendingAlarm(
      String detector,
      String metric,
      String changePoint,
      double before,
      double after,
      String notBefore,
      long recordsAfterChange) {}

  /**
   * A request in flight.
   *
   * @param key its idempotency key
   * @param startedAt run start, or null while not started
   */
  public record InFlightRun(String key, String startedAt) {}

  public String toJson() {
    try {
      return MAPPER.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise policy state", e);
    }
  }

  /**
   * Reads {@link #toJson()} output.
   *
   * @throws IllegalArgumentException on malformed JSON
   */
  public static PolicyState fromJson(String json) {
    try {
      return MAPPER.readValue(json, PolicyState.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed policy state", e);
    }
  }
}
