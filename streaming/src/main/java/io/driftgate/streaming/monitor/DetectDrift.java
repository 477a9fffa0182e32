package io.driftgate.streaming.monitor;

import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.WindowProfiles;
import io.driftgate.core.lake.WindowProfileTable;
import io.driftgate.core.monitor.DriftMonitor;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.monitor.PerformanceMonitor;
import io.driftgate.core.monitor.WindowProfileSource;
import io.driftgate.core.performance.PerformanceEvidence;
import io.driftgate.core.performance.WindowPerformance;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.run.FinishedRuns;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.streaming.scoring.RegistryChampions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Window profiles in, drift reports and retrain requests out. One stateful step per model: the
 * {@link DriftMonitor} (core) decides; this transform persists its state, reports and requests in
 * the state database ({@link MonitorStore}, so a restarted pipeline resumes) and emits them as
 * KV(key, Avro single-object bytes) for the report and request topics. With the lake tables on
 * ({@link Builder#optReportTable}) the monitor re-bases its reference when a run it requested is
 * PROMOTED, reading back the window profiles it stored of the run's training range.
 */
public final class DetectDrift extends PTransform<PCollection<WindowedProfile>, PCollectionTuple> {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DetectDrift.class);
  public static final TupleTag<KV<String, byte[]>> REPORTS = new TupleTag<>("drift-reports") {};
  public static final TupleTag<KV<String, byte[]>> REQUESTS = new TupleTag<>("retrain-requests") {};

  /** Counter ({@code driftgate.monitor}): windows of labelled predictions judged. */
  public static final String JUDGED_WINDOWS = "performance_judged_windows";

  /** Gauge: the last judged window's accuracy (top-1 for a multiclass model), in thousandths. */
  public static final String WINDOW_ACCURACY = "performance_window_accuracy_permille";

  /** Gauge: the last judged window's mean log-loss of the true class, in thousandths. */
  public static final String WINDOW_LOG_LOSS = "performance_window_logloss_milli";

  private final ModelSpec spec;
  private final io.driftgate.core.spec.StateSpec state;
  private final io.driftgate.core.lake.LakeCatalog catalog;

  private DetectDrift(Builder b) {
    this.spec = Objects.requireNonNull(b.spec, "setModelSpec is required");
    this.state = Objects.requireNonNull(b.state, "setState is required");
    this.catalog = b.catalog;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code set*} required. */
  public static final class Builder {
    private ModelSpec spec;
    private io.driftgate.core.spec.StateSpec state;
    private io.driftgate.core.lake.LakeCatalog catalog;

    /**
     * Also append every report to the lake's {@code drift_reports} Iceberg table, and every
     * window's profile and the reference's to {@code window_profiles} ({@link WindowProfileTable}).
     */
    public Builder optReportTable(io.driftgate.core.lake.LakeCatalog catalog) {
      this.catalog = catalog;
      return this;
    }

    public Builder setModelSpec(ModelSpec spec) {
      this.spec = spec;
      return this;
    }

    /** The state database that keeps the monitor's state, reports and requests. */
    public Builder setState(io.driftgate.core.spec.StateSpec state) {
      this.state = state;
      return this;
    }

    public DetectDrift build() {
      return new DetectDrift(this);
    }
  }

  @Override
  public PCollectionTuple expand(PCollection<WindowedProfile> profiles) {
    PCollectionTuple out =
        profiles
            .apply("OneKeyPerModel", WithKeys.<String, WindowedProfile>of(spec.model()))
            .apply("Global", Window.<KV<String, WindowedProfile>>into(new GlobalWindows()))
            .apply(
                "Monitor",
                ParDo.of(new MonitorFn(spec, state, catalog))
                    .withOutputTags(REPORTS, TupleTagList.of(REQUESTS)));
    out.get(REPORTS).setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()));
    out.get(REQUESTS).setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()));
    return out;
  }

  static final class MonitorFn extends DoFn<KV<String, WindowedProfile>, KV<String, byte[]>> {
    private final ModelSpec spec;
    private final io.driftgate.core.spec.StateSpec state;
    private final io.driftgate.core.lake.LakeCatalog catalog;
    private transient org.apache.iceberg.catalog.Catalog openCatalog;
    private transient org.apache.iceberg.Table reportTable;
    private transient java.util.List<DriftReport> pendingReports;
    private transient org.apache.iceberg.Table profileTable;
    private transient java.util.List<WindowProfileTable.Stored> pendingProfiles;
    private transient String storedReferenceId;
    private final Counter windows = Metrics.counter("driftgate.monitor", "windows");
    private final Counter drifted = Metrics.counter("driftgate.monitor", "drifted_windows");
    private final Counter requests = Metrics.counter("driftgate.monitor", "retrain_requests");
    private final Counter labelled = Metrics.counter("driftgate.monitor", "labelled_predictions");
    private final Counter alarms = Metrics.counter("driftgate.monitor", "performance_alarms");
    private final Counter degraded =
        Metrics.counter("driftgate.monitor", "performance_degraded_windows");
    private final Counter judged = Metrics.counter("driftgate.monitor", JUDGED_WINDOWS);
    private final org.apache.beam.sdk.metrics.Gauge windowAccuracy =
        Metrics.gauge("driftgate.monitor", WINDOW_ACCURACY);
    private final org.apache.beam.sdk.metrics.Gauge windowLogLoss =
        Metrics.gauge("driftgate.monitor", WINDOW_LOG_LOSS);
    private transient MonitorStore store;
    private transient DriftMonitor monitor;
    private transient PerformanceMonitor performance;
    private transient long lastPerformanceEnd;
    private transient String savedPerformance;
    private transient Map<String, Map<String, Double>> validation;

    /** Keyed state makes this step run one model at a time, in arrival order. */
    @StateId("seen")
    private final StateSpec<ValueState<Long>> seen = StateSpecs.value();

    MonitorFn(
        ModelSpec spec,
        io.driftgate.core.spec.StateSpec state,
        io.driftgate.core.lake.LakeCatalog catalog) {
      this.spec = spec;
      this.state = state;
      this.catalog = catalog;
    }

    /** The launcher's runs, in the same state database: which requests ended. */
    private transient FinishedRuns finishedRuns;

    @Setup
    public void setup() {
      // Opened from the serializable spec on the worker; the stores hold no connection between
      // calls.
      store = MonitorStore.open(state, spec.model());
      finishedRuns = FinishedRuns.of(JdbcRunStore.open(state));
      if (catalog != null) {
        openCatalog = catalog.open();
        reportTable = io.driftgate.core.lake.DriftReportTable.ensure(openCatalog, spec.model());
        profileTable = WindowProfileTable.ensure(openCatalog, spec.model());
      }
    }

    @StartBundle
    public void startBundle() {
      pendingReports = new java.util.ArrayList<>();
      pendingProfiles = new java.util.ArrayList<>();
    }

    /**
     * One lake commit per table and bundle (a commit per window would throttle a catching-up
     * monitor): the profiles, the reports (lake table, then state database), then the monitor's
     * state: whoever sees a window closed in the state finds its report and profile in the tables
     * and the database. The appends skip ids they already hold and the database replaces a report
     * by id, so a bundle replayed before its state was saved is stored once.
     */
    @FinishBundle
    public void finishBundle() {
      if (profileTable != null && !pendingProfiles.isEmpty()) {
        WindowProfileTable.append(profileTable, pendingProfiles);
        pendingProfiles.clear();
      }
      if (reportTable != null && !pendingReports.isEmpty()) {
        io.driftgate.core.lake.DriftReportTable.append(reportTable, pendingReports);
      }
      // One transaction for the bundle's reports: one per window held the pipeline up while a
      // replay closed windows by the hundred.
      store.writeReports(pendingReports);
      pendingReports.clear();
      if (monitor != null) {
        // The detector's state goes with the monitor's, so a restarted job continues both.
        if (performance != null) {
          monitor.performanceState(performance.exportState());
        }
        store.save(monitor.state());
      }
    }

    @Teardown
    public void teardown() throws Exception {
      if (openCatalog instanceof AutoCloseable c) {
        c.close();
      }
    }

    @ProcessElement
    public void process(
        @Element KV<String, WindowedProfile> element,
        @StateId("seen") ValueState<Long> seenState,
        MultiOutputReceiver out) {
      if (monitor == null) {
        io.driftgate.core.monitor.MonitorState loaded = store.load();
        monitor = new DriftMonitor(spec, loaded);
        monitor.useFinishedRuns(finishedRuns);
        if (profileTable != null) {
          // A promoted run's range is re-read from the window profiles this step stored.
          monitor.useWindowProfiles(this::storedWindows);
        }
        savedPerformance = loaded.performanceStateJson();
      }
      WindowedProfile w = element.getValue();
      if (w.isLabelsOnly()) {
        // Late labels: the detector takes them now; the policy holds an alarm (in the monitor's
        // saved state) for a compared window that ends after the labelled records.
        PerformanceEvidence e = lateLabels(w);
        if (e != null) {
          monitor.onPerformanceAlarm(e, Instant.ofEpochMilli(w.endMillis()));
        }
        return;
      }
      // With a labels topic the detector's labels come from the join only (the same event's label
      // in the record too would count twice).
      PerformanceEvidence evidence = spec.scoring().labelsTopic() == null ? performance(w) : null;
      DatasetProfile current = DatasetProfile.fromBytes(w.profile());
      Instant start = Instant.ofEpochMilli(w.startMillis());
      Instant end = Instant.ofEpochMilli(w.endMillis());
      DriftMonitor.Outcome outcome = monitor.onWindow(start, end, current, evidence);
      if (profileTable != null) {
        keepProfiles(outcome, start, end, current);
      }
      if (!outcome.released().isEmpty()) {
        LOG.info(
            "runs of {} finished, in-flight slots freed: {}", spec.model(), outcome.released());
      }
      outcome
          .rebase()
          .ifPresent(
              r -> {
                if (outcome.rebased()) {
                  LOG.info(
                      "run {} of {} was promoted: windows are now compared with its training"
                          + " range [{}, {}), reference {}",
                      r.runKey(),
                      spec.model(),
                      r.trainedOn().from(),
                      r.trainedOn().to(),
                      r.referenceId());
                } else {
                  LOG.warn(
                      "run {} of {} was promoted, but no window profile of its training range [{},"
                          + " {}) is stored (the monitor keeps them in the lake's {} table when it"
                          + " writes the lake's drift reports); the reference stays {}",
                      r.runKey(),
                      spec.model(),
                      r.trainedOn().from(),
                      r.trainedOn().to(),
                      WindowProfileTable.NAME,
                      monitor.referenceId());
                }
              });
      windows.inc();
      Long n = seenState.read();
      seenState.write(n == null ? 1 : n + 1);
      outcome
          .report()
          .ifPresent(
              r -> {
                pendingReports.add(r);
                if (r.getDriftedShare() > 0) {
                  drifted.inc();
                }
                out.get(REPORTS).output(KV.of(r.getReportId(), bytes(encode(r))));
              });
      outcome
          .request()
          .ifPresent(
              r -> {
                store.writeRequest(r);
                requests.inc();
                out.get(REQUESTS).output(KV.of(r.getIdempotencyKey(), bytes(encode(r))));
              });
      // The state (what `--until-caught-up` waits on) is saved in finishBundle, after the
      // bundle's reports are in the lake table.
    }

    /**
     * The window's profile under its report's id ({@code MODEL@START} while it builds the
     * reference), and the reference once complete under the id its reports name.
     */
    private void keepProfiles(
        DriftMonitor.Outcome outcome, Instant start, Instant end, DatasetProfile current) {
      String id = outcome.report().map(r -> r.getReportId().toString()).orElse(null);
      if (id == null && outcome.referenceWindow()) {
        id = spec.model() + "@" + start;
      }
      if (id != null) {
        pendingProfiles.add(
            new WindowProfileTable.Stored(
                id,
                WindowProfileTable.WINDOW,
                WindowProfiles.toAvro(spec.model(), start, end, current)));
      }
      String referenceId = monitor.referenceId();
      if (referenceId != null && !referenceId.equals(storedReferenceId)) {
        // once per reference and worker start: the append skips an id it already holds
        storedReferenceId = referenceId;
        // a re-based reference is stored over the training range it profiles
        Instant from = outcome.rebased() ? outcome.rebase().get().trainedOn().from() : start;
        Instant to = outcome.rebased() ? outcome.rebase().get().trainedOn().to() : end;
        pendingProfiles.add(
            new WindowProfileTable.Stored(
                referenceId,
                WindowProfileTable.REFERENCE,
                WindowProfiles.toAvro(spec.model(), from, to, monitor.reference())));
      }
    }

    /**
     * The window profiles this step stored (every pane) of windows inside {@code [from, to)}: the
     * lake table's, and this bundle's not yet appended. Read only when a promotion re-bases the
     * reference.
     */
    private List<WindowProfileSource.Window> storedWindows(Instant from, Instant to) {
      List<WindowProfileTable.Stored> all =
          new java.util.ArrayList<>(
              WindowProfileTable.readStarting(openCatalog, spec.model(), from, to).values());
      all.addAll(pendingProfiles);
      List<WindowProfileSource.Window> out = new java.util.ArrayList<>();
      for (WindowProfileTable.Stored s : all) {
        Instant start = s.profile().getWindowStart();
        Instant end = s.profile().getWindowEnd();
        if (s.role().equals(WindowProfileTable.WINDOW)
            && !start.isBefore(from)
            && !end.isAfter(to)) {
          out.add(
              new WindowProfileSource.Window(start, end, WindowProfiles.toDataset(s.profile())));
        }
      }
      return out;
    }

    /**
     * Feeds an on-time window's labelled predictions to the performance monitor; a new alarm, or
     * null. Late panes are not fed again.
     */
    private PerformanceEvidence performance(WindowedProfile w) {
      if (w.labelled() == null || w.endMillis() <= lastPerformanceEnd) {
        return null;
      }
      lastPerformanceEnd = w.endMillis();
      return feed(w);
    }

    /** A batch of late labels joined with their predictions: fed at once, in arrival order. */
    private PerformanceEvidence lateLabels(WindowedProfile w) {
      if (w.labelled() == null) {
        return null;
      }
      LOG.debug(
          "late labels of {}: records {} to {} feed the performance monitor",
          spec.model(),
          Instant.ofEpochMilli(w.startMillis()),
          Instant.ofEpochMilli(w.endMillis()));
      return feed(w);
    }

    private PerformanceEvidence feed(WindowedProfile w) {
      if (performance == null) {
        performance = new PerformanceMonitor(spec.scoring());
        validation = new HashMap<>();
        try {
          if (performance.restore(savedPerformance)) {
            LOG.info(
                "performance monitor of {} resumed: {} on version {}, {} values seen",
                spec.model(),
                performance.detector().name(),
                performance.version(),
                performance.detector().observations());
          }
        } catch (IllegalArgumentException e) {
          LOG.warn("performance monitor of {} starts afresh: {}", spec.model(), e.getMessage());
        }
      }
      List<PerformanceMonitor.Labelled> rows = LabelledPredictions.fromBytes(w.labelled()).toList();
      if (rows.isEmpty()) {
        return null;
      }
      labelled.inc(rows.size());
      String watched = performance.version();
      String latest = rows.get(rows.size() - 1).version();
      PerformanceMonitor.Outcome o =
          performance.onWindow(
              Instant.ofEpochMilli(w.startMillis()),
              rows,
              validation.computeIfAbsent(latest, this::validationOf));
      if (watched != null && !watched.equals(performance.version())) {
        // A new champion scores: an alarm held about the replaced one asks for nothing.
        if (monitor.dropHeldPerformance()) {
          LOG.info(
              "champion of {} is now {}: the held performance alarm about {} is dropped",
              spec.model(),
              performance.version(),
              watched);
        }
      }
      o.window().ifPresent(this::report);
      if (o.window().map(WindowPerformance.Result::degraded).orElse(false)) {
        degraded.inc();
      }
      if (o.evidence().isEmpty()) {
        return null;
      }
      PerformanceEvidence e = o.evidence().get();
      alarms.inc();
      LOG.info(
          "performance drift of {}: {} on {} from {} to {} since {}",
          spec.model(),
          e.detector(),
          e.metric(),
          e.before(),
          e.after(),
          e.changePoint());
      return e;
    }

    /**
     * A judged window's quality: gauges of the last window's accuracy and log-loss (in thousandths:
     * Beam gauges hold whole numbers) and one log line with every metric's interval.
     */
    private void report(WindowPerformance.Result r) {
      judged.inc();
      StringBuilder line = new StringBuilder();
      r.metrics()
          .forEach(
              (name, m) -> {
                line.append(
                    String.format(
                        java.util.Locale.ROOT,
                        "; %s %.3f [%.3f, %.3f]%s%s",
                        name,
                        m.value(),
                        m.low(),
                        m.high(),
                        m.validation() == null
                            ? ""
                            : String.format(
                                java.util.Locale.ROOT, " (validation %.3f)", m.validation()),
                        m.degraded() ? " DEGRADED" : ""));
              });
      var accuracy = r.metrics().get(io.driftgate.core.stats.Metrics.ACCURACY);
      if (accuracy != null && Double.isFinite(accuracy.value())) {
        windowAccuracy.set(Math.round(accuracy.value() * 1000));
      }
      var logLoss = r.metrics().get(io.driftgate.core.stats.Metrics.LOG_LOSS);
      if (logLoss != null && Double.isFinite(logLoss.value())) {
        windowLogLoss.set(Math.round(logLoss.value() * 1000));
      }
      LOG.info("windowed performance of {} on {} labelled rows{}", spec.model(), r.rows(), line);
    }

    /** A version's validation metrics from the registry (empty when unavailable). */
    private Map<String, Double> validationOf(String version) {
      try {
        return RegistryChampions.validationMetrics(
            JdbcModelRegistry.open(spec).load(spec.model(), version));
      } catch (RuntimeException e) {
        LOG.warn("no validation metrics for {} {}: {}", spec.model(), version, e.toString());
        return Map.of();
      }
    }

    private static byte[] bytes(ByteBuffer b) {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }

    static ByteBuffer encode(DriftReport r) {
      try {
        return r.toByteBuffer();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    static ByteBuffer encode(RetrainRequest r) {
      try {
        return r.toByteBuffer();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
