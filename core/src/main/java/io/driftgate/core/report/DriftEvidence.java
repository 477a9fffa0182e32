package io.driftgate.core.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.schemas.RetrainRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Objects;

/**
 * What triggered a retrain run, as its gate report shows it: the request's key and reasons and the
 * drift reports the monitor cited. The local backend's gate reads it from the monitor's store
 * itself; a Kubernetes gate pod has no database, so the launcher writes it ({@link #toJson}) and
 * the drift history page ({@link #page}) to the artifact store next to the champion it names.
 *
 * @param runKey the retrain request's idempotency key (the run's key)
 * @param reasons the request's reasons ({@code drift}, {@code schedule}, ...)
 * @param driftReportIds the drift reports the monitor cited (empty when none, or not published by
 *     the monitor)
 */
public record DriftEvidence(String runKey, List<String> reasons, List<String> driftReportIds) {
  /** The objects beside a gate's decision in the artifact store. */
  public static final String OBJECT = "trigger.json";

  public static final String PAGE_OBJECT = "drift-evidence.html";

  private static final ObjectMapper JSON = new ObjectMapper();

  public DriftEvidence {
    Objects.requireNonNull(runKey, "runKey");
    reasons = List.copyOf(reasons == null ? List.of() : reasons);
    driftReportIds = List.copyOf(driftReportIds == null ? List.of() : driftReportIds);
  }

  /**
   * The evidence of run {@code runKey}: the reports its request cited when the monitor stored that
   * request, else none.
   */
  public static DriftEvidence of(MonitorStore store, String runKey, List<String> reasons) {
    List<String> ids = List.of();
    for (RetrainRequest q : store.requests()) {
      if (q.getIdempotencyKey().toString().equals(runKey)) {
        ids = q.getEvidenceReportIds().stream().map(CharSequence::toString).toList();
      }
    }
    return new DriftEvidence(runKey, reasons, ids);
  }

  /** True when the monitor cited drift reports, so there is a history page worth linking. */
  public boolean hasReports() {
    return !driftReportIds.isEmpty();
  }

  /**
   * The monitor's history (its reports and requests) as the page the gate report links to.
   *
   * @param storedWhere where the reports were read, shown in the header
   */
  public static String page(MonitorStore store, String storedWhere) {
    return DriftReportHtml.history(store.model(), storedWhere, store.reports(), store.requests());
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static DriftEvidence fromJson(byte[] json) {
    try {
      return JSON.readValue(json, DriftEvidence.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a run's trigger evidence: " + e.getMessage(), e);
    }
  }
}
