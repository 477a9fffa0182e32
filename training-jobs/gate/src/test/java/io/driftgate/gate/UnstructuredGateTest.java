package io.driftgate.gate;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.gate.CheckResult.Status;
import io.driftgate.core.gate.Gate;
import io.driftgate.testkit.lake.CorpusLakes;
import io.driftgate.trainer.TrainRequest;
import io.driftgate.trainer.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate on multiclass image and text models trained from the examples' lakes (real MNIST digits,
 * real WordNet glosses): per-row log-loss of the true class decides champion against challenger,
 * and the HTML report shows the challenger's patch and token attributions.
 */
class UnstructuredGateTest {
  @TempDir static Path shared;
  static CorpusLakes.Written digits;
  static Path weakDigits;
  static Path goodDigits;

  @BeforeAll
  static void setUp() {
    digits = CorpusLakes.digits(shared.resolve("digits"), 5, 1_500, 1_500);
    // The champion: one epoch at a tiny learning rate; the challenger: two at a usual one.
    weakDigits = train(digits, shared.resolve("weak"), Map.of("epochs", "1", "lr", "0.002"));
    goodDigits = train(digits, shared.resolve("good"), Map.of("epochs", "2", "lr", "0.05"));
  }

  static Path train(CorpusLakes.Written lake, Path out, Map<String, String> params) {
    Trainer.run(
        TrainRequest.builder()
            .setSpec(lake.spec())
            .setLake(lake.root())
            .setRange(lake.from(), lake.to())
            .setOutputDir(out)
            .optParam("batchSize", "64")
            .optParams(params)
            .build());
    return out;
  }

  @Test
  void aBetterDigitModelBeatsTheChampionOnPerRowLogLossAndTheReportShowsPatches(@TempDir Path tmp)
      throws Exception {
    GateRequest request =
        GateRequest.builder()
            .setSpec(digits.spec())
            .optLake(digits.root())
            .setChallenger(goodDigits)
            .optChampion(weakDigits)
            .optBootstrapResamples(200)
            .build();
    GateOutcome o = GateRunner.run(request);
    System.out.println(String.join("\n", o.report().reasons()) + "\n" + o.millis() + " ms");
    System.out.printf(
        "digits gate: challenger %s%nchampion %s%n", o.challengerMetrics(), o.championMetrics());
    assertThat(o.validationRows()).isEqualTo(300);
    assertThat(o.challengerMetrics()).containsKeys("accuracy", "top1", "log_loss");
    assertThat(o.challengerMetrics()).doesNotContainKey("roc_auc");
    assertThat(o.challengerMetrics().get("accuracy"))
        .isGreaterThan(o.championMetrics().get("accuracy"));
    assertThat(o.report().check(Gate.CHAMPION_CHALLENGER).orElseThrow().status())
        .isEqualTo(Status.PASS);
    assertThat(o.report().check(Gate.ADDITIVITY).orElseThrow().status()).isEqualTo(Status.PASS);
    assertThat(o.promote()).isTrue();
    assertThat(o.attributions().images()).hasSize(UnstructuredGate.ATTRIBUTED_POINTS);
    assertThat(o.attributions().images().get(0).patches().size()).isEqualTo(49);

    // Swapped, the weak model does not replace the good one.
    GateOutcome swapped =
        GateRunner.run(
            request.toBuilder().setChallenger(weakDigits).optChampion(goodDigits).build());
    assertThat(swapped.report().check(Gate.CHAMPION_CHALLENGER).orElseThrow().status())
        .isEqualTo(Status.FAIL);
    assertThat(swapped.promote()).isFalse();

    // Same seed, same attributions.
    GateOutcome again = GateRunner.run(request);
    assertThat(again.attributions().images().get(0).patches())
        .isEqualTo(o.attributions().images().get(0).patches());

    Path html = tmp.resolve("report.html");
    GateReportHtml.write(o, html);
    String page = Files.readString(html);
    assertThat(page).contains("id=\"attributions\"");
    assertThat(page.split("class=\"attr-image\"", -1))
        .hasSize(UnstructuredGate.ATTRIBUTED_POINTS + 1);
  }

  @Test
  void aTextModelIsGatedWithHighlightedTokens(@TempDir Path tmp) throws Exception {
    CorpusLakes.Written glosses = CorpusLakes.glosses(tmp.resolve("glosses"), 5, 800);
    Path model =
        train(
            glosses,
            tmp.resolve("bert"),
            Map.of(
                "epochs", "1",
                "optimizer", "adam",
                "lr", "0.003",
                "embedding", "16",
                "layers", "1",
                "heads", "2",
                "sequenceLength", "24",
                "vocabSize", "800"));
    GateOutcome o =
        GateRunner.run(
            GateRequest.builder()
                .setSpec(glosses.spec())
                .optLake(glosses.root())
                .setChallenger(model)
                .build());
    assertThat(o.report().check(Gate.CHAMPION_CHALLENGER).orElseThrow().status())
        .isEqualTo(Status.SKIPPED);
    assertThat(o.report().check(Gate.ADDITIVITY).orElseThrow().status()).isEqualTo(Status.PASS);
    assertThat(o.attributions().texts()).hasSize(UnstructuredGate.ATTRIBUTED_POINTS);
    assertThat(o.attributions().texts().get(0).tokens()).hasSize(24).first().isEqualTo("[CLS]");
    Path html = tmp.resolve("report.html");
    GateReportHtml.write(o, html);
    assertThat(Files.readString(html)).contains("class=\"attr-text\"");
  }
}
