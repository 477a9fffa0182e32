package io.driftgate.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.lake.Lake;
import io.driftgate.core.lake.LakeMaintenance;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.run.JdbcRunStore;
import io.driftgate.core.run.RetrainRun;
import io.driftgate.core.run.RunState;
import io.driftgate.core.run.Transition;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.schemas.RetrainRequest;
import io.driftgate.testkit.generate.DriftConfig;
import io.driftgate.testkit.generate.GeneratorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The closed loop, no person in it: real broker, Beam on local Flink, an abrupt drift at record 40k
 * of 60k -> a retrain request on Kafka -> in-process launcher (local backend) -> 2x2 grid study ->
 * gate (no champion: absolute floors) -> promoted, with provenance in the ledger.
 */
class LoopIT {
  static final Path SPEC = Path.of("../examples/flight-delay/driftgate.yaml");

  @TempDir Path work;

  @Test
  void injectedDriftEndsInAPromotedModel() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    GeneratorConfig gen =
        GeneratorConfig.builder()
            .seed(21)
            .count(60_000)
            .startTimeMillis(1767571200000L)
            .eventSpacingMillis(1000)
            .malformedFraction(0.01)
            .v1Fraction(0.05)
            .drift(DriftConfig.abrupt(40_000, 1.0, 1.0))
            .build();
    Demo.Result r =
        Demo.run(
            SpecLoader.load(SPEC),
            Demo.Training.fast(SPEC, 21),
            gen,
            4,
            work,
            new PrintStream(text, true, StandardCharsets.UTF_8),
            false,
            "--parallelism=2");
    String out = text.toString(StandardCharsets.UTF_8);
    assertThat(r.balanced()).as(out).isTrue();
    // One request for the drift; a run that ends while ingestion still reads the drifted stream
    // re-bases the monitor's reference on its training range (pre-drift rows and the first
    // drifted windows), and the windows after it may ask again: a later, separate request.
    assertThat(r.requests()).as(out).isNotEmpty();
    RetrainRequest req = r.requests().get(0);
    assertThat(req.getReasons()).as(out).contains("drift");
    assertThat(r.requests().subList(1, r.requests().size()))
        .as(out)
        .allMatch(later -> later.getTriggerWindowEnd().isAfter(req.getTriggerWindowEnd()));

    // The run store shows the whole lifecycle, in order.
    List<RetrainRun> stored =
        JdbcRunStore.open(SpecLoader.load(SPEC).withLakePath(work.resolve("lake")).state()).list();
    assertThat(stored).as(out).hasSize(r.requests().size());
    assertThat(stored).as(out).allMatch(s -> s.state().terminal());
    RetrainRun run =
        stored.stream()
            .filter(s -> s.key().equals(req.getIdempotencyKey()))
            .findFirst()
            .orElseThrow();
    assertThat(run.state()).as(out).isEqualTo(RunState.PROMOTED);
    List<RunState> states =
        run.history().stream()
            .filter(t -> t.from() != t.to() || t.to() == RunState.REQUESTED)
            .map(Transition::to)
            .toList();
    assertThat(states)
        .containsExactly(
            RunState.REQUESTED,
            RunState.TUNING,
            RunState.TRAINING_BEST,
            RunState.GATING,
            RunState.PROMOTED);
    assertThat(run.results().bestParams()).containsOnlyKeys("lr", "momentum");
    // The launcher ran alongside ingestion and pinned the run to a snapshot covering its range.
    Long pinned = run.request().lakeSnapshotId();
    assertThat(pinned).as(out).isNotNull();
    assertThat(run.history())
        .extracting(Transition::reason)
        .anyMatch(reason -> reason.startsWith("lake snapshot " + pinned + " pinned"));
    try (Lake lake = Lake.open(work.resolve("lake"))) {
      // every source partition (4) has committed rows at the range end in the pinned snapshot
      java.util.Set<Integer> reaching = new java.util.TreeSet<>();
      long end = req.getDataTo().toEpochMilli() - 1;
      lake.at(pinned)
          .scan(
              end,
              end + java.time.Duration.ofDays(365).toMillis(),
              row -> reaching.add(((Number) row.getField("_source_partition")).intValue()));
      assertThat(reaching).as(out).containsExactly(0, 1, 2, 3);
      // the promoted model's snapshot is tagged: lake maintenance never expires it
      assertThat(lake.recordsTable().refs()).containsKey(LakeMaintenance.keepTag(pinned));
    }

    // The registry's champion is the run's model, and the ledger links it to data and offsets.
    // the demo's registry: its spec's state (the lake catalog's database, artifacts beside it)
    JdbcModelRegistry registry = JdbcModelRegistry.open(r.registry());
    String model = run.model();
    List<LedgerEntry> championMoves =
        registry.ledger(model).stream()
            .filter(e -> e.alias().equals(ModelRegistry.CHAMPION))
            .toList();
    assertThat(registry.alias(model, ModelRegistry.CHAMPION))
        .get()
        .extracting(v -> v.versionId())
        .isEqualTo(championMoves.get(championMoves.size() - 1).toVersion());
    LedgerEntry champion = championMoves.get(0);
    assertThat(champion.toVersion()).isEqualTo(run.results().modelVersion());
    assertThat(champion.fromVersion()).isNull();
    Map<?, ?> range = (Map<?, ?>) champion.details().get("dataRange");
    assertThat(((Number) range.get("fromMillis")).longValue())
        .isEqualTo(req.getDataFrom().toEpochMilli());
    assertThat(((Number) range.get("toMillis")).longValue())
        .isEqualTo(req.getDataTo().toEpochMilli());
    assertThat(((Number) range.get("rows")).longValue()).isPositive();
    assertThat(((Number) range.get("snapshotId")).longValue()).isEqualTo(pinned);
    Map<?, ?> offsets = (Map<?, ?>) champion.details().get("kafkaOffsets");
    assertThat(offsets).as(champion.details().toString()).isNotEmpty();

    // The HTML report is next to the run; the demo printed the onset -> promotion time.
    assertThat(r.gateReport()).isNotNull();
    assertThat(Files.readString(r.gateReport())).contains("<html");
    assertThat(r.onsetToPromotionMillis()).isPositive();
    assertThat(out).contains("drift onset -> promotion:", "gate report:", "PROMOTED");
  }
}
