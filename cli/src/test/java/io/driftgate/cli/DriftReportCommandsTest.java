package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.monitor.MonitorStore;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.FeatureDrift;
import io.driftgate.schemas.RetrainRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code driftgate report} and {@code monitor --status --json} on a monitor store holding stored
 * reports and a retrain request; {@code drift --html} on two CSV files.
 */
class DriftReportCommandsTest extends ConsoleCapture {
  static final Instant T0 = Instant.parse("2026-01-05T06:00:00Z");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path specWithHistory(int windows, int driftFrom) throws Exception {
    Path spec = dir.resolve("driftgate.yaml");
    Files.writeString(spec, TinyLake.specFor(dir.resolve("lake")));
    ModelSpec s = SpecLoader.load(spec);
    MonitorStore store = MonitorStore.open(s.state(), s.model());
    for (int w = 0; w < windows; w++) {
      store.writeReport(report(s.model(), w, w >= driftFrom));
    }
    Instant trigger = T0.plus(Duration.ofMinutes(10L * (driftFrom + 1)));
    store.writeRequest(
        RetrainRequest.newBuilder()
            .setIdempotencyKey(s.model() + "@drift@" + trigger)
            .setModel(s.model())
            .setReasons(List.of("drift"))
            .setEvidenceReportIds(List.of("r" + driftFrom))
            .setTriggerWindowEnd(trigger)
            .setDataFrom(T0)
            .setDataTo(trigger)
            .setValidRecordsSinceLastRun(5000L)
            .setRequestedAt(trigger)
            .build());
    return spec;
  }

  static DriftReport report(String model, int w, boolean drifted) {
    Instant start = T0.plus(Duration.ofMinutes(10L * w));
    return DriftReport.newBuilder()
        .setReportId("r" + w)
        .setModel(model)
        .setWindowStart(start)
        .setWindowEnd(start.plus(Duration.ofMinutes(10)))
        .setReferenceId("first-20000-records")
        .setRowCount(1000 + w)
        .setReferenceRowCount(20_000)
        .setDriftedShare(drifted ? 0.5 : 0.0)
        .setFeatures(
            List.of(
                FeatureDrift.newBuilder()
                    .setName("dep_delay_min")
                    .setMetric("wasserstein")
                    .setScore(drifted ? 0.3 : 0.02)
                    .setThreshold(0.1)
                    .setPValue(null)
                    .setDrifted(drifted)
                    .setNullRate(0.0)
                    .setReferenceNullRate(0.0)
                    .build(),
                FeatureDrift.newBuilder()
                    .setName("carrier")
                    .setMetric("chi_squared")
                    .setScore(3.1)
                    .setThreshold(0.05)
                    .setPValue(0.4)
                    .setDrifted(false)
                    .setNullRate(0.0)
                    .setReferenceNullRate(0.0)
                    .build()))
        .build();
  }

  @Test
  void reportWritesTheMonitorsHistoryWithEveryWindowAndTheRequest() throws Exception {
    Path spec = specWithHistory(8, 5);
    Path html = dir.resolve("out/history.html");
    assertThat(Main.execute("report", "--spec", spec.toString(), "--html", html.toString()))
        .as(stderr())
        .isZero();
    assertThat(stdout()).contains("8 reports, 1 retrain requests", "history.html");
    String page = Files.readString(html);
    assertThat(page).contains("data-windows=\"8\"", "dep_delay_min", "carrier");
    assertThat(count(page, "<rect data-window=")).isEqualTo(8);
    assertThat(count(page, "<tr data-window=")).isEqualTo(8);
    // windows 5, 6, 7 drifted on dep_delay_min only
    assertThat(count(page, "data-drifted=\"true\" cx=")).isEqualTo(3);
    assertThat(page)
        .contains(
            "<section class=\"feature\" data-feature=\"dep_delay_min\" data-drifted=\"true\"",
            "<section class=\"feature\" data-feature=\"carrier\" data-drifted=\"false\"");
    assertThat(count(page, "<tr data-request=")).isEqualTo(1);
  }

  @Test
  void reportDrawsEachWindowsDistributionsFromTheStoredProfiles() throws Exception {
    Path spec = specWithHistory(4, 2);
    storeProfiles(spec);

    Path html = dir.resolve("out/history.html");
    assertThat(Main.execute("report", "--spec", spec.toString(), "--html", html.toString()))
        .as(stderr())
        .isZero();
    assertThat(stdout()).contains("4 reports, 1 retrain requests, 5 stored profiles");
    String page = Files.readString(html);
    assertThat(page).contains("data-profiles=\"5\"");
    // two features in four windows, each reference vs its window
    assertThat(count(page, "<figure class=\"window-distribution\"")).isEqualTo(8);
    assertThat(count(page, "<title>ATL: reference ")).isEqualTo(4);
  }

  @Test
  void driftWindowComparesAStoredWindowWithItsStoredReference() throws Exception {
    Path spec = specWithHistory(4, 2);
    // no profiles stored yet: a usage error that says where they come from
    String window = T0.plus(Duration.ofMinutes(20)).toString();
    assertThat(Main.execute("drift", "--spec", spec.toString(), "--window", window)).isEqualTo(2);
    assertThat(stderr()).contains("no stored profile of report r2", "window_profiles");
    assertThat(
            Main.execute(
                "drift", "--spec", spec.toString(), "--window", window, "--reference", "a.csv"))
        .isEqualTo(2);
    storeProfiles(spec);
    out.reset();

    Path html = dir.resolve("out/window.html");
    assertThat(
            Main.execute(
                "drift",
                "--spec",
                spec.toString(),
                "--window",
                window,
                "--json",
                "--html",
                html.toString()))
        .as(stderr())
        .isZero();
    JsonNode result = JSON.readTree(stdout());
    assertThat(result.get("reference").asText()).isEqualTo("reference first-20000-records");
    assertThat(result.get("current").asText()).contains("(r2)");
    assertThat(result.get("currentRows").asLong()).isEqualTo(1000);
    // window 2's delays were stored shifted by 40: drifted; its carriers were not
    Map<String, Boolean> drifted = new java.util.HashMap<>();
    result
        .get("features")
        .forEach(f -> drifted.put(f.get("feature").asText(), f.get("drifted").asBoolean()));
    assertThat(drifted).containsEntry("dep_delay_min", true).containsEntry("carrier", false);
    assertThat(count(Files.readString(html), "data-chart=\"distribution\"")).isEqualTo(2);
  }

  /** What the monitor stage stores: the reference and windows r0..r3 (r2, r3 shifted). */
  private void storeProfiles(Path spec) throws Exception {
    ModelSpec s = SpecLoader.load(spec);
    java.util.List<io.driftgate.core.lake.WindowProfileTable.Stored> profiles =
        new java.util.ArrayList<>();
    profiles.add(stored(s.model(), "first-20000-records", "reference", 0, 0));
    for (int w = 0; w < 4; w++) {
      profiles.add(stored(s.model(), "r" + w, "window", w, w >= 2 ? 40 : 0));
    }
    org.apache.iceberg.catalog.Catalog catalog = s.lake().catalog().open();
    io.driftgate.core.lake.WindowProfileTable.append(
        io.driftgate.core.lake.WindowProfileTable.ensure(catalog, s.model()), profiles);
    if (catalog instanceof AutoCloseable c) {
      c.close();
    }
  }

  static io.driftgate.core.lake.WindowProfileTable.Stored stored(
      String model, String id, String role, int w, double shift) {
    java.util.Random random = new java.util.Random(100 + w);
    io.driftgate.core.drift.profile.NumericProfile delay =
        new io.driftgate.core.drift.profile.NumericProfile();
    io.driftgate.core.drift.profile.CategoricalProfile carrier =
        new io.driftgate.core.drift.profile.CategoricalProfile();
    for (int i = 0; i < 1000; i++) {
      delay.accumulate(random.nextGaussian() * 10 + shift);
      carrier.accumulate(i % 3 == 0 ? "ATL" : "DL");
    }
    Instant start = T0.plus(Duration.ofMinutes(10L * w));
    return new io.driftgate.core.lake.WindowProfileTable.Stored(
        id,
        role,
        io.driftgate.core.drift.profile.WindowProfiles.toAvro(
            model,
            start,
            start.plus(Duration.ofMinutes(10)),
            new io.driftgate.core.drift.profile.DatasetProfile(
                1000, java.util.Map.of("dep_delay_min", delay, "carrier", carrier))));
  }

  @Test
  void monitorStatusJsonParsesAndCarriesWhatTheTextShows() throws Exception {
    Path spec = specWithHistory(4, 2);
    assertThat(Main.execute("monitor", "--status", "--spec", spec.toString())).isZero();
    String text = stdout();
    out.reset();
    assertThat(Main.execute("monitor", "--status", "--json", "--spec", spec.toString())).isZero();
    JsonNode status = JSON.readTree(stdout());
    assertThat(status.get("model").asText()).isNotBlank();
    assertThat(text).contains("monitor of " + status.get("model").asText());
    JsonNode reports = status.get("reports");
    assertThat(reports).hasSize(4);
    // one text line per report: its window start and row count
    for (JsonNode r : reports) {
      JsonNode report = r.get("report");
      String start = Instant.ofEpochMilli(report.get("window_start").asLong()).toString();
      assertThat(text)
          .containsPattern(
              Pattern.quote(start) + "\\s+rows\\s+" + report.get("row_count").asLong());
    }
    JsonNode requests = status.get("requests");
    assertThat(requests).hasSize(1);
    assertThat(text).contains(requests.get(0).get("request").get("idempotency_key").asText());
  }

  @Test
  void driftHtmlWritesTheComparisonAndJsonStaysParseable() throws Exception {
    Path[] csv = ExitCodesTest.shiftedCsv(dir);
    Path html = dir.resolve("drift.html");
    int code =
        Main.execute(
            "drift",
            "--spec=" + dir.resolve("none.yaml"),
            "--reference=" + csv[0],
            "--current=" + csv[1],
            "--html=" + html,
            "--json");
    assertThat(code).as(stderr()).isZero();
    JsonNode result = JSON.readTree(stdout());
    assertThat(result.get("features")).hasSize(2);
    String page = Files.readString(html);
    for (JsonNode f : result.get("features")) {
      assertThat(page)
          .contains(
              "<section class=\"feature\" data-feature=\""
                  + f.get("feature").asText()
                  + "\" data-drifted=\""
                  + f.get("drifted").asBoolean()
                  + "\"");
    }
    assertThat(result.get("driftedCount").asInt()).isEqualTo(1);
    assertThat(result.get("evaluatedCount").asInt()).isEqualTo(2);
    assertThat(page).contains("1 of 2 features drifted");
    assertThat(count(page, "data-chart=\"distribution\"")).isEqualTo(2);
  }

  static int count(String s, String needle) {
    return s.split(Pattern.quote(needle), -1).length - 1;
  }
}
