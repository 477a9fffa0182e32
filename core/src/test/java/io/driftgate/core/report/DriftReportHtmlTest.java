package io.driftgate.core.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.drift.DriftComparator;
import io.driftgate.core.drift.DriftResult;
import io.driftgate.core.drift.profile.CategoricalProfile;
import io.driftgate.core.drift.profile.DatasetProfile;
import io.driftgate.core.drift.profile.NumericProfile;
import io.driftgate.core.drift.profile.WindowProfiles;
import io.driftgate.core.lake.LakeCatalog;
import io.driftgate.core.lake.WindowProfileTable;
import io.driftgate.core.testing.HeadlessChromium;
import io.driftgate.schemas.DriftReport;
import io.driftgate.schemas.FeatureDrift;
import io.driftgate.schemas.RetrainRequest;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.catalog.Catalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DriftReportHtmlTest {
  static final Instant T0 = Instant.parse("2026-01-05T06:00:00Z");
  static final Pattern SECTION =
      Pattern.compile(
          "<section class=\"feature\" data-feature=\"([^\"]*)\" data-drifted=\"(\\w+)\"");

  @TempDir Path tmp;

  /** amount shifts by 1.5 std, city keeps its mix, "a<b&c" checks escaping of names. */
  static DatasetProfile[] profiles() {
    Random random = new Random(7);
    NumericProfile refAmount = new NumericProfile();
    NumericProfile curAmount = new NumericProfile();
    CategoricalProfile refCity = new CategoricalProfile();
    CategoricalProfile curCity = new CategoricalProfile();
    NumericProfile refOdd = new NumericProfile();
    NumericProfile curOdd = new NumericProfile();
    String[] cities = {"oslo", "rome", "lima"};
    for (int i = 0; i < 3000; i++) {
      refAmount.accumulate(random.nextGaussian());
      curAmount.accumulate(random.nextGaussian() + 1.5);
      refCity.accumulate(cities[random.nextInt(3)]);
      curCity.accumulate(cities[random.nextInt(3)]);
      refOdd.accumulate(random.nextDouble());
      curOdd.accumulate(random.nextDouble());
    }
    return new DatasetProfile[] {
      new DatasetProfile(3000, Map.of("amount", refAmount, "city", refCity, "a<b&c", refOdd)),
      new DatasetProfile(3000, Map.of("amount", curAmount, "city", curCity, "a<b&c", curOdd))
    };
  }

  static String comparisonPage() {
    DatasetProfile[] p = profiles();
    DriftResult r = DriftComparator.compare(p[0], p[1]);
    assertThat(r.driftedFeatures()).containsExactly("amount");
    return DriftReportHtml.comparison("reference.csv", "current.csv", r, p[0], p[1]);
  }

  static Map<String, Boolean> sections(String html) {
    Map<String, Boolean> out = new java.util.LinkedHashMap<>();
    Matcher m = SECTION.matcher(html);
    while (m.find()) {
      out.put(m.group(1), Boolean.parseBoolean(m.group(2)));
    }
    return out;
  }

  @Test
  void comparisonShowsEachFeaturesDistributionsAndMarksTheDriftedOne() {
    String html = comparisonPage();
    assertSelfContained(html);
    assertThat(sections(html))
        .containsExactly(
            Map.entry("a&lt;b&amp;c", false), Map.entry("amount", true), Map.entry("city", false));
    assertThat(html).doesNotContain(">a<b&c<");
    // one distribution chart per comparable feature, reference and current bars in each
    assertThat(count(html, "data-chart=\"distribution\"")).isEqualTo(3);
    assertThat(html).contains("reference.csv", "current.csv", "1 of 3 features drifted");
    assertThat(html).contains(">oslo<", ">rome<", ">lima<");
    assertThat(count(html, "class=\"badge drift\"")).isEqualTo(2); // summary table + section
  }

  @Test
  void numericDistributionSharesSumToOneOnCommonBins() {
    DatasetProfile[] p = profiles();
    DriftReportHtml.Distribution d =
        DriftReportHtml.distribution(p[0].features().get("amount"), p[1].features().get("amount"));
    assertThat(d.labels()).hasSize(DriftReportHtml.DISPLAY_BINS);
    assertThat(java.util.Arrays.stream(d.reference()).sum()).isCloseTo(1.0, within());
    assertThat(java.util.Arrays.stream(d.current()).sum()).isCloseTo(1.0, within());
    // the current is shifted right: its mass sits in later bins than the reference's
    assertThat(meanBin(d.current())).isGreaterThan(meanBin(d.reference()) + 3);
    DriftReportHtml.Distribution c =
        DriftReportHtml.distribution(p[0].features().get("city"), p[1].features().get("city"));
    assertThat(c.labels()).containsExactlyInAnyOrder("oslo", "rome", "lima");
    assertThat(java.util.Arrays.stream(c.current()).sum()).isCloseTo(1.0, within());
  }

  @Test
  void historyPlotsEveryWindowPerFeatureWithThresholdAndRequests() {
    String html = historyPage();
    assertSelfContained(html);
    assertThat(html).contains("data-windows=\"6\"");
    // drifted share: one bar per window; per feature: one point per window
    assertThat(count(html, "<rect data-window=")).isEqualTo(6);
    assertThat(count(html, "<circle data-window=")).isEqualTo(12);
    assertThat(count(html, "<tr data-window=")).isEqualTo(6);
    assertThat(count(html, "class=\"threshold\"")).isEqualTo(2);
    // the request is drawn on the share chart and on both feature charts, and listed once
    assertThat(count(html, "<line data-request=\"flight-delay@drift@w4\"")).isEqualTo(3);
    assertThat(count(html, "<tr data-request=\"flight-delay@drift@w4\"")).isEqualTo(1);
    assertThat(sections(html))
        .containsExactly(Map.entry("dep_delay_min", true), Map.entry("weather", false));
    // windows 3, 4 and 5 drifted on dep_delay_min
    assertThat(count(html, "data-drifted=\"true\" cx=")).isEqualTo(3);
    assertThat(html).contains("drifted in 3 of 6 windows", "drifted in 0 of 6 windows");
    // a late revision of window 2 replaces it rather than adding a seventh window
    assertThat(html).contains("1778 rows").contains(">1900<");
  }

  @Test
  void historyDrawsEachWindowsDistributionFromStoredProfiles() throws Exception {
    String html = historyPage(storedProfiles(tmp.resolve("lake")));
    assertSelfContained(html);
    assertThat(html).contains("data-profiles=\"7\"", "window_profiles");
    // two features in each of six windows; the late revision of window 2 has its own profile
    assertThat(count(html, "<figure class=\"window-distribution\"")).isEqualTo(12);
    assertThat(windowFigure(html, 2, "weather")).contains("data-chart=\"distribution\"");
    for (int w = 0; w < 6; w++) {
      assertThat(windowFigure(html, w, "dep_delay_min").contains("DRIFT")).isEqualTo(w >= 3);
    }
    // without stored profiles the page says where histograms come from instead
    assertThat(historyPage()).contains("data-profiles=\"0\"", "No window profiles stored");
  }

  @Test
  void historyWithoutReportsSaysSo() {
    String html = DriftReportHtml.history("m", "sqlite", List.of(), List.of());
    assertThat(html).contains("No drift reports stored yet", "data-windows=\"0\"");
  }

  @Test
  void bothPagesRenderInHeadlessChromium() throws Exception {
    HeadlessChromium chromium = HeadlessChromium.require(tmp, 1200, 2400);
    Path keep = Path.of("target/drift-report");
    Files.createDirectories(keep);

    Path comparison = keep.resolve("drift.html");
    DriftReportHtml.write(comparisonPage(), comparison);
    String dom = chromium.dumpDom(comparison);
    // What Chromium parsed: every feature section, the drifted one marked, three SVG charts.
    assertThat(sections(dom))
        .containsExactly(
            Map.entry("a&lt;b&amp;c", false), Map.entry("amount", true), Map.entry("city", false));
    assertThat(count(dom, "data-chart=\"distribution\"")).isEqualTo(3);
    BufferedImage shot = chromium.screenshot(comparison, keep.resolve("drift.png"));
    // The drifted badge and verdict are drawn in the drift red; the reference bars in purple.
    assertThat(pixels(shot, SvgChart.DRIFT)).isGreaterThan(200);
    assertThat(pixels(shot, SvgChart.REFERENCE)).isGreaterThan(500);

    Path history = keep.resolve("history.html");
    DriftReportHtml.write(historyPage(storedProfiles(tmp.resolve("lake"))), history);
    String historyDom = chromium.dumpDom(history);
    assertThat(count(historyDom, "<rect data-window=")).isEqualTo(6);
    assertThat(count(historyDom, "<circle data-window=")).isEqualTo(12);
    assertThat(count(historyDom, "data-request=\"flight-delay@drift@w4\"")).isEqualTo(4);
    assertThat(sections(historyDom)).containsEntry("dep_delay_min", true);
    // Reference vs current per feature and window, drawn from the profiles read back from the
    // lake's window_profiles table: the reference's weather shares are the stored counts'.
    assertThat(count(historyDom, "<figure class=\"window-distribution\"")).isEqualTo(12);
    assertThat(count(historyDom, "data-chart=\"distribution\"")).isEqualTo(12);
    Map<String, Long> weather =
        ((CategoricalProfile) reference().features().get("weather")).valueCounts();
    for (String w : List.of("clear", "rain", "snow")) {
      assertThat(count(historyDom, w + ": reference " + SvgChart.pct(weather.get(w) / 2000.0)))
          .isEqualTo(6);
    }
    // the drifted windows' current delays sit right of the reference's
    assertThat(windowFigure(historyDom, 5, "dep_delay_min")).contains("DRIFT");
    assertThat(windowFigure(historyDom, 0, "dep_delay_min")).doesNotContain("DRIFT");
    BufferedImage historyShot = chromium.screenshot(history, keep.resolve("history.png"));
    assertThat(pixels(historyShot, SvgChart.DRIFT)).isGreaterThan(100);
    assertThat(pixels(historyShot, SvgChart.REQUEST)).isGreaterThan(50);
  }

  /** The reference of {@link #historyPage}'s reports (id first-20000-records), 2,000 rows. */
  static DatasetProfile reference() {
    return windowProfile(1, 0);
  }

  static DatasetProfile windowProfile(long seed, double shift) {
    Random random = new Random(seed);
    NumericProfile delay = new NumericProfile();
    CategoricalProfile weather = new CategoricalProfile();
    String[] kinds = {"clear", "rain", "snow"};
    for (int i = 0; i < 2000; i++) {
      delay.accumulate(random.nextGaussian() * 10 + shift);
      weather.accumulate(kinds[random.nextInt(3)]);
    }
    return new DatasetProfile(2000, Map.of("dep_delay_min", delay, "weather", weather));
  }

  /**
   * Profiles of {@link #historyPage}'s reference and windows (the drifted ones shifted), stored in
   * an embedded lake's {@code window_profiles} table and read back, by profile id.
   */
  static Map<String, DatasetProfile> storedProfiles(Path lake) throws Exception {
    List<WindowProfileTable.Stored> profiles = new ArrayList<>();
    profiles.add(
        new WindowProfileTable.Stored(
            "first-20000-records",
            WindowProfileTable.REFERENCE,
            WindowProfiles.toAvro("flight-delay", T0, T0, reference())));
    for (DriftReport r : DriftReportHtml.latestPerWindow(historyReports())) {
      int w = (int) Duration.between(T0, r.getWindowStart()).toMinutes() / 10;
      profiles.add(
          new WindowProfileTable.Stored(
              r.getReportId(),
              WindowProfileTable.WINDOW,
              WindowProfiles.toAvro(
                  "flight-delay",
                  r.getWindowStart(),
                  r.getWindowEnd(),
                  windowProfile(10 + w, w >= 3 ? 30 : 0))));
    }
    Catalog catalog = LakeCatalog.embedded(lake).open();
    WindowProfileTable.append(WindowProfileTable.ensure(catalog, "flight-delay"), profiles);
    Map<String, DatasetProfile> out = new java.util.LinkedHashMap<>();
    WindowProfileTable.read(catalog, "flight-delay")
        .forEach((id, p) -> out.put(id, WindowProfiles.toDataset(p.profile())));
    if (catalog instanceof AutoCloseable c) {
      c.close();
    }
    return out;
  }

  /** The figure of one window's distribution of a feature in a page. */
  static String windowFigure(String page, int window, String feature) {
    Matcher m =
        Pattern.compile(
                "<figure class=\"window-distribution\" data-window=\""
                    + window
                    + "\" data-feature=\""
                    + feature
                    + "\">(.*?)</figure>",
                Pattern.DOTALL)
            .matcher(page);
    assertThat(m.find()).as("figure of window %d, %s", window, feature).isTrue();
    return m.group(1);
  }

  static String historyPage() {
    return historyPage(Map.of());
  }

  static String historyPage(Map<String, DatasetProfile> profiles) {
    List<DriftReport> reports = historyReports();
    Instant trigger = T0.plus(Duration.ofMinutes(50));
    RetrainRequest q =
        RetrainRequest.newBuilder()
            .setIdempotencyKey("flight-delay@drift@w4")
            .setModel("flight-delay")
            .setReasons(List.of("drift"))
            .setEvidenceReportIds(List.of("r3", "r4"))
            .setTriggerWindowEnd(trigger)
            .setDataFrom(T0)
            .setDataTo(trigger)
            .setValidRecordsSinceLastRun(9000L)
            .setRequestedAt(trigger)
            .build();
    return DriftReportHtml.history(
        "flight-delay", "sqlite state.db", reports, List.of(q), profiles);
  }

  static List<DriftReport> historyReports() {
    List<DriftReport> reports = new ArrayList<>();
    for (int w = 0; w < 6; w++) {
      boolean drift = w >= 3;
      reports.add(report(w, drift ? 0.2 + 0.05 * w : 0.02 + 0.01 * w, drift, 1778));
    }
    // a late revision of window 2 (the log keeps it after the window)
    reports.add(report(2, 0.05, false, 1900));
    return reports;
  }

  static DriftReport report(int window, double score, boolean drifted, long rows) {
    Instant start = T0.plus(Duration.ofMinutes(10L * window));
    return DriftReport.newBuilder()
        .setReportId("r" + window + "-" + rows)
        .setModel("flight-delay")
        .setWindowStart(start)
        .setWindowEnd(start.plus(Duration.ofMinutes(10)))
        .setReferenceId("first-20000-records")
        .setRowCount(rows)
        .setReferenceRowCount(20_000)
        .setDriftedShare(drifted ? 0.5 : 0.0)
        .setFeatures(
            List.of(
                FeatureDrift.newBuilder()
                    .setName("dep_delay_min")
                    .setMetric("wasserstein")
                    .setScore(score)
                    .setThreshold(0.1)
                    .setPValue(null)
                    .setDrifted(drifted)
                    .setNullRate(0.01)
                    .setReferenceNullRate(0.0)
                    .build(),
                FeatureDrift.newBuilder()
                    .setName("weather")
                    .setMetric("ks")
                    .setScore(0.04)
                    .setThreshold(0.05)
                    .setPValue(0.2 + 0.01 * window)
                    .setDrifted(false)
                    .setNullRate(0.0)
                    .setReferenceNullRate(0.0)
                    .build()))
        .build();
  }

  /** Pixels near {@code hex}: anti-aliasing blurs edges, not fills. */
  static int pixels(BufferedImage img, String hex) {
    return HeadlessChromium.pixels(img, hex, 24);
  }

  /** No scripts and nothing fetched: the only URL is the SVG namespace, which is a name. */
  static void assertSelfContained(String html) {
    assertThat(html.replace("xmlns=\"http://www.w3.org/2000/svg\"", ""))
        .doesNotContain("<script", "http:", "https:", "<link", "@import", "src=", "href=", "url(");
  }

  static int count(String s, String needle) {
    return s.split(Pattern.quote(needle), -1).length - 1;
  }

  private static double meanBin(double[] shares) {
    double m = 0;
    for (int i = 0; i < shares.length; i++) {
      m += i * shares[i];
    }
    return m;
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(1e-9);
  }
}
