package io.driftgate.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.registry.TamperedModelException;
import io.driftgate.core.testing.HeadlessChromium;
import io.driftgate.schemas.PromotionDecision;
import io.driftgate.testkit.lake.CommittedLakes;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate acting on the registry, the decision records, tampering, and the HTML report. */
class GateServiceTest {
  @TempDir static Path shared;
  static CommittedLakes.Lake lake;
  static Path first;
  static Path second;

  @BeforeAll
  static void setUp() {
    lake = GateLakes.write(shared.resolve("lake"), GateLakes.SPEC, 51, 3000, null);
    first = GateLakes.train(lake, shared.resolve("first"), lake.from(), lake.to(), 1);
    second = GateLakes.train(lake, shared.resolve("second"), lake.from(), lake.to(), 2);
  }

  private static GateRequest request(Path challenger) {
    return GateRequest.builder()
        .setSpec(GateLakes.SPEC)
        .optLake(lake.root())
        .setChallenger(challenger)
        .optExplainPoints(60)
        .build();
  }

  @Test
  void aDecisionTheRunRefusesWritesNothingToTheRegistry(@TempDir Path reg) {
    GateService service = new GateService(JdbcModelRegistry.embedded(reg));
    assertThatThrownBy(() -> service.gate("flight-delay", request(first), () -> false))
        .isInstanceOf(GateService.DecisionRefused.class)
        .hasMessageContaining("nothing registered");
    ModelRegistry r = service.registry();
    assertThat(r.versions("flight-delay")).isEmpty();
    assertThat(r.aliases("flight-delay")).isEmpty();
    assertThat(r.ledger("flight-delay")).isEmpty();
    assertThat(service.decisionKeys("flight-delay")).isEmpty();
  }

  @Test
  void firstModelBecomesChampionWithItsImportanceAndTheLedgerRecordsWhy(@TempDir Path reg)
      throws Exception {
    GateService service = new GateService(JdbcModelRegistry.embedded(reg));
    GateService.Decision d = service.gate("flight-delay", request(first));
    assertThat(d.promoted()).as(String.join("\n", d.outcome().report().reasons())).isTrue();
    assertThat(d.championBefore()).isNull();
    ModelRegistry r = service.registry();
    assertThat(r.aliases("flight-delay"))
        .containsEntry("champion", d.version().versionId())
        .containsEntry("challenger", d.version().versionId());
    Path dir = r.load("flight-delay", d.version().versionId());
    Importance imp = Importance.read(dir);
    assertThat(imp.features()).hasSize(7);
    assertThat(imp.values()).containsExactly(d.outcome().challengerImportance());
    // The source directory was not modified: the importance went into a staged copy.
    assertThat(first.resolve(Importance.FILE)).doesNotExist();

    List<LedgerEntry> ledger = r.ledger("flight-delay");
    assertThat(ledger).hasSize(2);
    LedgerEntry champ = ledger.get(1);
    assertThat(champ.alias()).isEqualTo("champion");
    assertThat(champ.actor()).isEqualTo("gate");
    assertThat(champ.reason()).contains("PASS additivity", "SKIPPED champion-challenger");
    assertThat(champ.details()).containsKeys("dataRange", "kafkaOffsets", "gate", "decision");
    assertThat(champ.details().get("decision")).isEqualTo("promoted");
    @SuppressWarnings("unchecked")
    Map<String, Object> offsets = (Map<String, Object>) champ.details().get("kafkaOffsets");
    assertThat(offsets).containsKeys("flights-0", "flights-1");
    // The lake snapshot the challenger trained on, and the one the gate read (the same).
    @SuppressWarnings("unchecked")
    Map<String, Object> dataRange = (Map<String, Object>) champ.details().get("dataRange");
    assertThat(dataRange).containsEntry("snapshotId", lake.lastSnapshot());
    @SuppressWarnings("unchecked")
    Map<String, Object> gate = (Map<String, Object>) champ.details().get("gate");
    assertThat(gate).containsEntry("lakeSnapshot", lake.lastSnapshot());
    assertThat(d.version().metadata())
        .containsEntry("lakeSnapshot", Long.toString(lake.lastSnapshot()));

    // A second model: gated against the stored champion importance; the decision is recorded
    // either way, and champion only moves on a pass.
    GateService.Decision d2 = service.gate("flight-delay", request(second));
    assertThat(d2.championBefore()).isEqualTo(d.version().versionId());
    assertThat(d2.outcome().championImportanceSource()).isEqualTo("stored");
    assertThat(r.alias("flight-delay", "challenger").orElseThrow().versionId())
        .isEqualTo(d2.version().versionId());
    assertThat(r.alias("flight-delay", "champion").orElseThrow().versionId())
        .isEqualTo(d2.promoted() ? d2.version().versionId() : d.version().versionId());
    // One whole Avro object per decision in the artifact store.
    assertThat(service.decisionKeys("flight-delay"))
        .hasSize(2)
        .allSatisfy(k -> assertThat(k).startsWith("decisions/flight-delay/").endsWith(".avro"));
    assertThat(d2.decision())
        .isEqualTo(
            service.registry().artifacts().location(service.decisionKeys("flight-delay").get(1)));
    List<PromotionDecision> decisions = service.decisions("flight-delay");
    assertThat(decisions).hasSize(2);
    PromotionDecision pd = decisions.get(1);
    assertThat(pd.getChallengerVersion()).isEqualTo(d2.version().versionId());
    assertThat(pd.getChampionVersion()).isEqualTo(d.version().versionId());
    assertThat(pd.getPromoted()).isEqualTo(d2.promoted());
    assertThat(pd.getReasons()).hasSize(6);
    assertThat(pd.getMetricDeltas()).containsKeys("auc", "logloss");

    // --force needs a reason; with one it moves champion with the user as actor; rollback undoes.
    String target = d2.promoted() ? d.version().versionId() : d2.version().versionId();
    assertThatThrownBy(() -> service.forcePromote("flight-delay", target, "alice", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--reason");
    LedgerEntry forced = service.forcePromote("flight-delay", target, "alice", "hotfix");
    assertThat(forced.reason()).isEqualTo("forced: hotfix");
    assertThat(forced.details()).containsEntry("forced", true);
    String before = forced.fromVersion();
    assertThat(r.rollback("flight-delay", "alice", "undo").orElseThrow().toVersion())
        .isEqualTo(before);
    r.verifyLedger("flight-delay");
  }

  @Test
  void aTamperedModelIsRefused(@TempDir Path tmp) throws Exception {
    Path copy = tmp.resolve("m");
    GateService.copyTree(first, copy);
    ModelDirectory.writeManifest(copy);
    Files.writeString(copy.resolve("metrics.json"), "{\"auc\": 0.99}");
    assertThatThrownBy(() -> ScoredModel.load(copy))
        .isInstanceOf(TamperedModelException.class)
        .hasMessageContaining("metrics.json");
    GateService service = new GateService(JdbcModelRegistry.embedded(tmp.resolve("reg")));
    assertThatThrownBy(() -> service.gate("flight-delay", request(copy)))
        .isInstanceOf(TamperedModelException.class);
    assertThat(service.registry().versions("flight-delay")).isEmpty();

    // A registered champion whose files change afterwards is refused when the gate loads it.
    GateService.Decision d = service.gate("flight-delay", request(first));
    Path registered = service.registry().load("flight-delay", d.version().versionId());
    File params;
    try (var files = Files.list(registered)) {
      params =
          files.filter(f -> f.toString().endsWith(".params")).findFirst().orElseThrow().toFile();
    }
    params.setWritable(true);
    Files.write(params.toPath(), new byte[] {1, 2, 3}, java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> service.gate("flight-delay", request(second)))
        .isInstanceOf(TamperedModelException.class);
  }

  @Test
  void theHtmlReportIsSelfContainedAndRendersInHeadlessChromium(@TempDir Path tmp)
      throws Exception {
    TriggerEvidence trigger =
        new TriggerEvidence(
            "flight-delay@drift@w4", List.of("drift"), List.of("r3", "r4"), "w4.drift.html");
    GateOutcome o =
        GateRunner.run(request(second).toBuilder().optChampion(first).optTrigger(trigger).build());
    Path html = tmp.resolve("report.html");
    GateReportHtml.write(o, html);
    String text = Files.readString(html);
    // both models' scores on every validation row were kept for the curves
    assertThat(o.evaluation().labels()).hasSize(o.validationRows());
    assertThat(o.evaluation().champion()).hasSize(o.validationRows());
    for (String model : List.of("champion", "challenger")) {
      assertThat(text)
          .containsPattern(
              "class=\"curve\" data-model=\"" + model + "\" data-points=\"\\d+\" d=\"M");
      // a ROC and a precision-recall curve per model, a confusion matrix per model
      assertThat(count(text, "data-model=\"" + model + "\" data-points=")).isEqualTo(2);
      assertThat(text)
          .contains(
              "class=\"confusion\" data-model=\""
                  + model
                  + "\" data-total=\""
                  + o.validationRows()
                  + "\"");
      long sum = 0;
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile(
                  "data-model=\"" + model + "\" data-total=\"\\d+\">(.*?)</table>")
              .matcher(text);
      assertThat(m.find()).isTrue();
      java.util.regex.Matcher cell =
          java.util.regex.Pattern.compile("data-cell=\"(tp|fp|fn|tn)\"[^>]*>(\\d+) ")
              .matcher(m.group(1));
      int cells = 0;
      while (cell.find()) {
        sum += Long.parseLong(cell.group(2));
        cells++;
      }
      assertThat(cells).isEqualTo(4);
      assertThat(sum).isEqualTo(o.validationRows());
    }
    assertThat(text)
        .contains(
            "data-trigger=\"flight-delay@drift@w4\"",
            "on drift reports <code>r3, r4</code>",
            "<a class=\"evidence\" href=\"w4.drift.html\">drift evidence</a>");
    assertThat(text)
        .contains("<svg", "Champion vs challenger importance", "champion-challenger")
        .contains("lake snapshot " + lake.lastSnapshot())
        .contains(o.promote() ? "PROMOTE" : "REJECT")
        .doesNotContain("<script", "http://fonts", "https://", "<link", "@import", "src=");
    for (String f : o.featureNames()) {
      assertThat(text).contains(">" + f + "<");
    }
    // one beeswarm dot per explained point and feature
    assertThat(text.split("r=\"2.2\"", -1).length - 1)
        .isEqualTo(o.explanations().size() * o.featureNames().size());

    Path script = Path.of("scripts/render-check.sh");
    HeadlessChromium chromium = HeadlessChromium.require(tmp, 1200, 2400);
    // What Chromium parsed: the verdict, every feature, the curves of both models.
    String dom = chromium.dumpDom(html);
    assertThat(dom).contains("class=\"verdict\"", o.promote() ? ">PROMOTE<" : ">REJECT<");
    for (String f : o.featureNames()) {
      assertThat(dom).contains(">" + f + "<");
    }
    assertThat(count(dom, "class=\"curve\"")).isEqualTo(4);
    assertThat(count(dom, "class=\"confusion\"")).isEqualTo(2);
    assertThat(dom).contains("href=\"w4.drift.html\"");
    Path shot = tmp.resolve("report.png");
    Process p =
        new ProcessBuilder("bash", script.toString(), html.toString(), shot.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(150, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    byte[] png = Files.readAllBytes(shot);
    assertThat(png.length).isGreaterThan(20_000);
    assertThat(new String(png, 1, 3)).isEqualTo("PNG");
    Path keep = Path.of("target/gate-report");
    Files.createDirectories(keep);
    Files.copy(
        html, keep.resolve("report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(shot, keep.resolve("report.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  static int count(String text, String what) {
    return text.split(java.util.regex.Pattern.quote(what), -1).length - 1;
  }
}
