package io.driftgate.streaming.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.WindowProfiles;
import io.driftgate.core.lake.DriftReportTable;
import io.driftgate.core.lake.WindowProfileTable;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.report.DriftReportHtml;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.DriftReport;
import io.driftgate.streaming.ingest.IngestConfig;
import io.driftgate.streaming.monitor.DetectDrift;
import io.driftgate.streaming.monitor.ProfileWindows;
import io.driftgate.streaming.row.LakeEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.beam.sdk.Pipeline;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor stage with the lake tables on (TestStream, DirectRunner): every window's profile and
 * the reference's are stored in {@code window_profiles} beside the drift reports, one row per
 * (profile, feature), and the report page draws its distributions from them.
 */
class StoredWindowProfilesTest {
  static final long WINDOW = 10 * 60_000L;
  static final int WINDOWS = 8;
  static final int PER_WINDOW = 200;

  @TempDir Path work;

  @Test
  void theMonitorStoresOneProfileRowPerWindowAndFeatureAndTheReportReadsThem() throws Exception {
    Path example = PerformanceDriftTest.EXAMPLE;
    ModelSpec spec =
        SpecLoader.parse(
                Files.readString(example.resolve("driftgate.yaml"))
                    .replace("window: 30m", "window: 10m")
                    .replace("referenceRecords: 20000", "referenceRecords: 600"),
                example)
            .withLakePath(work.resolve("lake"));
    List<LakeEntry> rows = ScoreRecordsTest.rows(WINDOWS * PER_WINDOW);
    Pipeline p = WindowedTestStream.oneWorker();
    p.apply(
            WindowedTestStream.of(
                LakeEntry.LakeEntryCoder.of(),
                WINDOWS,
                PER_WINDOW,
                WINDOW,
                (w, i, t) -> rows.get(w * PER_WINDOW + i)))
        .apply(ProfileWindows.builder().setModelSpec(spec).build())
        .apply(
            DetectDrift.builder()
                .setModelSpec(spec)
                .setState(IngestConfig.of(spec).stateSpec())
                .optReportTable(spec.lake().catalog())
                .build());
    p.run().waitUntilFinish();

    List<String> features = spec.features().stream().map(f -> f.name()).sorted().toList();
    List<DriftReport> reports =
        MonitorStore.open(IngestConfig.of(spec).stateSpec(), spec.model()).reports();
    // 600 reference rows: three windows build the reference, the other five are compared
    assertThat(reports).hasSize(WINDOWS - 3);
    Map<String, WindowProfileTable.Stored> stored;
    List<Record> rowsStored;
    Catalog catalog = spec.lake().catalog().open();
    try {
      stored = WindowProfileTable.read(catalog, spec.model());
      rowsStored = WindowProfileTable.rows(catalog, spec.model());
      assertThat(DriftReportTable.read(catalog, spec.model()))
          .hasSize(reports.size() * features.size());
    } finally {
      if (catalog instanceof AutoCloseable c) {
        c.close();
      }
    }
    // one row per (profile, feature): every window once, and the reference once
    assertThat(rowsStored).hasSize((WINDOWS + 1) * features.size());
    Set<String> windows =
        stored.values().stream()
            .filter(s -> s.role().equals(WindowProfileTable.WINDOW))
            .map(s -> s.profile().getWindowStart().toString())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(windows).hasSize(WINDOWS);
    for (WindowProfileTable.Stored s : stored.values()) {
      assertThat(s.profile().getFeatures())
          .extracting(f -> f.getName())
          .containsExactlyElementsOf(features);
      assertThat(s.profile().getRowCount())
          .isEqualTo(s.role().equals(WindowProfileTable.WINDOW) ? PER_WINDOW : 3L * PER_WINDOW);
    }
    // every report finds its window and its reference under the ids it names
    for (DriftReport r : reports) {
      assertThat(stored.get(r.getReportId().toString()).role())
          .isEqualTo(WindowProfileTable.WINDOW);
      assertThat(stored.get(r.getReferenceId().toString()).role())
          .isEqualTo(WindowProfileTable.REFERENCE);
    }

    Map<String, DatasetProfile> profiles = new LinkedHashMap<>();
    stored.forEach((id, s) -> profiles.put(id, WindowProfiles.toDataset(s.profile())));
    String html = DriftReportHtml.history(spec.model(), "test", reports, List.of(), profiles);
    // a reference vs current chart per feature and compared window
    assertThat(html.split("<figure class=\"window-distribution\"", -1).length - 1)
        .isEqualTo(reports.size() * features.size());
    assertThat(html).contains("data-profiles=\"" + (WINDOWS + 1) + "\"");
  }
}
