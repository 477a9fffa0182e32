package io.driftgate.gate;

import com.fasterxml.jackson.databind.JsonNode;
import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.registry.LedgerEntry;
import io.driftgate.core.registry.ModelDirectory;
import io.driftgate.core.registry.ModelRegistry;
import io.driftgate.core.registry.ModelVersion;
import io.driftgate.schemas.PromotionDecision;
import io.driftgate.trainer.Trainer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * The gate acting on the registry: registers a challenger (with its {@value Importance#FILE}), sets
 * alias {@code challenger}, and moves {@code champion} when the gate promotes (actor {@value
 * #GATE_ACTOR}); every decision, promotion or rejection, is the {@code challenger} alias move's
 * ledger details and a {@link PromotionDecision} Avro object {@code decisions/<model>/...avro} in
 * the registry's artifact store.
 */
public final class GateService {

  /** The caller refused the decision before it reached the registry. */
  public static final class DecisionRefused extends RuntimeException {
    public DecisionRefused(String message) {
      super(message);
    }
  }

  public static final String GATE_ACTOR = "gate";
  public static final String CHALLENGER = "challenger";
  public static final String DECISIONS_DIR = "decisions";

  private final JdbcModelRegistry registry;
  private final Clock clock;

  public GateService(JdbcModelRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  public GateService(JdbcModelRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  public JdbcModelRegistry registry() {
    return registry;
  }

  /**
   * What a gate run did to the registry.
   *
   * @param outcome the gate run
   * @param version the registered challenger
   * @param championBefore the champion it was compared with, or null
   * @param promoted whether champion now points at the challenger
   * @param entries the ledger entries written
   * @param decision the {@link PromotionDecision} object's location in the artifact store
   */
  public record Decision(
      GateOutcome outcome,
      ModelVersion version,
      String championBefore,
      boolean promoted,
      List<LedgerEntry> entries,
      String decision) {}

  /**
   * Gates a challenger directory against the current champion: the request's champion is replaced
   * by the registry's {@code champion} (loaded, so verified).
   */
  public Decision gate(String model, GateRequest request) {
    return gate(model, request, () -> true);
  }

  /**
   * As {@link #gate(String, GateRequest)}, asking {@code mayApply} once the gate has decided and
   * before anything is registered or moved: a launcher answers whether the run still takes the
   * decision (not cancelled, still this attempt).
   *
   * @throws DecisionRefused when {@code mayApply} says no; the registry is untouched
   */
  public Decision gate(String model, GateRequest request, BooleanSupplier mayApply) {
    Optional<ModelVersion> champ = registry.alias(model, ModelRegistry.CHAMPION);
    Path champDir = champ.map(v -> registry.load(model, v.versionId())).orElse(null);
    GateRequest r = request.toBuilder().optChampion(champDir).build();
    if (Files.exists(r.challengerDir().resolve(ModelDirectory.MANIFEST))) {
      ModelDirectory.verify(r.challengerDir()); // refuse a tampered source before any work
    }
    GateOutcome outcome = GateRunner.run(r);
    if (!outcome.model().equals(model)) {
      throw new IllegalArgumentException(
          "the spec's model is " + outcome.model() + ", the registry model is " + model);
    }
    if (!mayApply.getAsBoolean()) {
      throw new DecisionRefused(
          "the run no longer takes a decision ("
              + (outcome.promote() ? "would promote" : "would reject")
              + "); nothing registered");
    }
    ModelVersion version = registerWithImportance(model, r.challengerDir(), outcome);
    return decide(model, version, champ.map(ModelVersion::versionId).orElse(null), outcome);
  }

  /**
   * Gates an already registered version against the champion and promotes it when the gate passes.
   */
  public Decision promote(String model, String versionId, GateRequest request) {
    Path dir = registry.load(model, versionId);
    Optional<ModelVersion> champ = registry.alias(model, ModelRegistry.CHAMPION);
    if (champ.isPresent() && champ.get().versionId().equals(versionId)) {
      throw new IllegalArgumentException(versionId + " is already the champion");
    }
    Path champDir = champ.map(v -> registry.load(model, v.versionId())).orElse(null);
    GateOutcome outcome =
        GateRunner.run(request.toBuilder().setChallenger(dir).optChampion(champDir).build());
    ModelVersion version = registry.version(model, versionId).orElseThrow();
    return decide(model, version, champ.map(ModelVersion::versionId).orElse(null), outcome);
  }

  /** Moves champion to a registered version without the gate; a reason is required. */
  public LedgerEntry forcePromote(String model, String versionId, String actor, String reason) {
    if (reason == null || reason.isBlank()) {
      throw new IllegalArgumentException("--force needs --reason \"why the gate is bypassed\"");
    }
    Path dir = registry.load(model, versionId); // verifies
    String before =
        registry.alias(model, ModelRegistry.CHAMPION).map(ModelVersion::versionId).orElse(null);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("forced", true);
    details.putAll(provenance(dir));
    LedgerEntry e =
        registry.moveAlias(
            model, ModelRegistry.CHAMPION, versionId, actor, "forced: " + reason, details);
    writeDecision(
        model, versionId, before, true, actor, List.of("FORCED: " + reason), Map.of(), dir);
    return e;
  }

  private Decision decide(
      String model, ModelVersion version, String championBefore, GateOutcome outcome) {
    Path dir = registry.load(model, version.versionId());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("decision", outcome.promote() ? "promoted" : "rejected");
    details.put("champion", championBefore);
    details.putAll(provenance(dir));
    details.put("gate", outcome.summary());
    List<String> reasons = outcome.report().reasons();
    List<LedgerEntry> entries = new ArrayList<>();
    entries.add(
        registry.moveAlias(
            model,
            CHALLENGER,
            version.versionId(),
            GATE_ACTOR,
            (outcome.promote() ? "gate passed: " : "gate rejected: ") + failed(outcome),
            details));
    if (outcome.promote()) {
      entries.add(
          registry.moveAlias(
              model,
              ModelRegistry.CHAMPION,
              version.versionId(),
              GATE_ACTOR,
              String.join("; ", reasons),
              details));
    }
    String file =
        writeDecision(
            model,
            version.versionId(),
            championBefore,
            outcome.promote(),
            GATE_ACTOR,
            reasons,
            outcome.metricDeltas(),
            dir);
    return new Decision(outcome, version, championBefore, outcome.promote(), entries, file);
  }

  /**
   * A gate run without the registry, as a gate pod does it: what it found and what the launcher is
   * to register and record.
   *
   * @param outcome the gate run
   * @param champion the champion's version it compared with, or null
   * @param challenger the challenger to register: the gated directory with its importance
   * @param metadata the challenger's registry metadata
   * @param details the ledger details of the alias moves
   */
  public record Judgement(
      GateOutcome outcome,
      String champion,
      Path challenger,
      Map<String, String> metadata,
      Map<String, Object> details,
      long decidedAtMillis) {

    /**
     * The decision to apply once the challenger's files are in the artifact store under {@code
     * manifest} (see {@link io.driftgate.core.registry.GateDecision#apply}).
     */
    public io.driftgate.core.registry.GateDecision decision(
        io.driftgate.core.registry.Manifest manifest, String reportKey) {
      JsonNode lake = ScoredModel.readJson(challenger.resolve(Trainer.TRAINING_FILE)).path("lake");
      return new io.driftgate.core.registry.GateDecision(
          outcome.model(),
          outcome.promote(),
          champion,
          ModelVersion.idFor(manifest.contentHash()),
          manifest,
          metadata,
          (outcome.promote() ? "gate passed: " : "gate rejected: ") + failed(outcome),
          String.join("; ", outcome.report().reasons()),
          details,
          outcome.report().reasons(),
          outcome.metricDeltas(),
          lake.path("fromMillis").asLong(),
          lake.path("toMillis").asLong(),
          decidedAtMillis,
          reportKey);
    }
  }

  /**
   * Gates a challenger directory against a champion directory without touching the registry (a gate
   * pod has no database): runs the gate and stages the challenger with its {@value Importance#FILE}
   * in {@code stage}, with the metadata and ledger details the registry path gives. Nothing is
   * registered.
   *
   * @param champion the champion's version id, or null when there is none
   * @param championDir its files (verified by the caller), or null
   * @param source where the challenger came from, for its metadata
   * @param stage an empty folder for the staged challenger
   */
  public static Judgement judge(
      String model,
      GateRequest request,
      String champion,
      Path championDir,
      String source,
      Path stage,
      Clock clock) {
    GateRequest r = request.toBuilder().optChampion(championDir).build();
    Path dir = r.challengerDir();
    if (Files.exists(dir.resolve(ModelDirectory.MANIFEST))) {
      ModelDirectory.verify(dir); // refuse a tampered source before any work
    }
    GateOutcome outcome = GateRunner.run(r);
    if (!outcome.model().equals(model)) {
      throw new IllegalArgumentException(
          "the spec's model is " + outcome.model() + ", the gated model is " + model);
    }
    Path staged;
    if (Files.isRegularFile(dir.resolve(Importance.FILE))) {
      staged = dir;
    } else {
      staged = stage.resolve("model");
      try {
        copyTree(dir, staged);
        Files.deleteIfExists(staged.resolve(ModelDirectory.MANIFEST));
        new Importance(
                outcome.featureNames(),
                outcome.challengerImportance(),
                outcome.explanations().size(),
                outcome.config().seed())
            .write(staged);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stage " + dir, e);
      }
    }
    Map<String, String> meta = metadata(dir, source);
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("decision", outcome.promote() ? "promoted" : "rejected");
    details.put("champion", champion);
    details.putAll(provenance(staged));
    details.put("gate", outcome.summary());
    return new Judgement(outcome, champion, staged, meta, details, clock.millis());
  }

  /** The registry metadata of a challenger: its source and training data. */
  static Map<String, String> metadata(Path dir, String source) {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("source", source);
    JsonNode lake = ScoredModel.readJson(dir.resolve(Trainer.TRAINING_FILE)).path("lake");
    meta.put("trainedFrom", lake.path("from").asText(""));
    meta.put("trainedTo", lake.path("to").asText(""));
    meta.put("lakeSnapshot", lake.path("snapshotId").asText(""));
    return meta;
  }

  private static String failed(GateOutcome o) {
    List<String> f =
        o.report().checks().stream()
            .filter(c -> c.status() != io.driftgate.core.gate.CheckResult.Status.PASS)
            .map(c -> c.status() + " " + c.name())
            .toList();
    return f.isEmpty() ? "all checks passed" : String.join(", ", f);
  }

  /**
   * Metrics, lake range and snapshot, and Kafka offsets from the model directory's trainer files.
   */
  static Map<String, Object> provenance(Path dir) {
    Map<String, Object> m = new LinkedHashMap<>();
    if (!Files.isRegularFile(dir.resolve(Trainer.TRAINING_FILE))) {
      return m;
    }
    JsonNode t = ScoredModel.readJson(dir.resolve(Trainer.TRAINING_FILE));
    JsonNode lake = t.path("lake");
    Map<String, Object> range = new LinkedHashMap<>();
    range.put("from", lake.path("from").asText(null));
    range.put("to", lake.path("to").asText(null));
    range.put(
        "fromMillis", lake.path("fromMillis").isNumber() ? lake.get("fromMillis").asLong() : null);
    range.put("toMillis", lake.path("toMillis").isNumber() ? lake.get("toMillis").asLong() : null);
    range.put("rows", lake.path("rows").asLong());
    range.put(
        "snapshotId",
        lake.path("snapshotId").isIntegralNumber() ? lake.get("snapshotId").asLong() : null);
    m.put("dataRange", range);
    m.put("kafkaOffsets", ScoredModel.JSON.convertValue(t.path("kafkaOffsets"), Map.class));
    m.put("seed", t.path("seed").asLong());
    Path metrics = dir.resolve(Trainer.METRICS_FILE);
    if (Files.isRegularFile(metrics)) {
      m.put(
          "trainingMetrics",
          ScoredModel.JSON.convertValue(ScoredModel.readJson(metrics), Map.class));
    }
    return m;
  }

  /** Copies the challenger, adds its importance and registers the copy. */
  private ModelVersion registerWithImportance(String model, Path dir, GateOutcome outcome) {
    Map<String, String> meta = metadata(dir, dir.toAbsolutePath().normalize().toString());
    if (Files.isRegularFile(dir.resolve(Importance.FILE))) {
      return registry.register(model, dir, meta);
    }
    Path stage = null;
    try {
      stage = Files.createTempDirectory("driftgate-gate-");
      Path copy = stage.resolve("model");
      copyTree(dir, copy);
      Files.deleteIfExists(copy.resolve(ModelDirectory.MANIFEST));
      new Importance(
              outcome.featureNames(),
              outcome.challengerImportance(),
              outcome.explanations().size(),
              outcome.config().seed())
          .write(copy);
      return registry.register(model, copy, meta);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage " + dir, e);
    } finally {
      if (stage != null) {
        deleteTree(stage);
      }
    }
  }

  private String writeDecision(
      String model,
      String versionId,
      String championBefore,
      boolean promoted,
      String actor,
      List<String> reasons,
      Map<String, Double> deltas,
      Path dir) {
    Path training = dir.resolve(Trainer.TRAINING_FILE);
    JsonNode lake =
        Files.isRegularFile(training)
            ? ScoredModel.readJson(training).path("lake")
            : ScoredModel.JSON.createObjectNode();
    long now = clock.millis();
    Map<String, Double> d = new LinkedHashMap<>();
    deltas.forEach((k, v) -> d.put(k, Double.isFinite(v) ? v : 0.0));
    PromotionDecision rec =
        PromotionDecision.newBuilder()
            .setDecisionId(UUID.randomUUID().toString())
            .setModel(model)
            .setChallengerVersion(versionId)
            .setChampionVersion(championBefore)
            .setPromoted(promoted)
            .setActor(actor)
            .setReasons(new ArrayList<>(reasons))
            .setMetricDeltas(new LinkedHashMap<>(d))
            .setDataFrom(java.time.Instant.ofEpochMilli(lake.path("fromMillis").asLong()))
            .setDataTo(java.time.Instant.ofEpochMilli(lake.path("toMillis").asLong()))
            .setDecidedAt(java.time.Instant.ofEpochMilli(now))
            .build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataFileWriter<PromotionDecision> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(PromotionDecision.class))) {
      w.create(PromotionDecision.getClassSchema(), bytes);
      w.append(rec);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the decision on " + versionId, e);
    }
    // One whole object per decision; the id makes two decisions of one millisecond distinct.
    String key =
        DECISIONS_DIR
            + "/"
            + model
            + "/"
            + String.format(
                "%013d-%s-%s-%s.avro",
                now,
                versionId.replace(':', '-'),
                promoted ? "promoted" : "rejected",
                rec.getDecisionId().substring(0, 8));
    registry.artifacts().create(key, bytes.toByteArray());
    return registry.artifacts().location(key);
  }

  /** Keys of a model's decision objects in the artifact store, oldest first. */
  public List<String> decisionKeys(String model) {
    return registry.artifacts().list(DECISIONS_DIR + "/" + model + "/").stream()
        .map(io.driftgate.core.state.ArtifactStore.StoredObject::key)
        .sorted()
        .toList();
  }

  /** A model's decisions, oldest first. */
  public List<PromotionDecision> decisions(String model) {
    List<PromotionDecision> out = new ArrayList<>();
    for (String key : decisionKeys(model)) {
      try (InputStream in = registry.artifacts().openStream(key);
          DataFileStream<PromotionDecision> r =
              new DataFileStream<>(in, new SpecificDatumReader<>(PromotionDecision.class))) {
        r.forEach(out::add);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + registry.artifacts().location(key), e);
      }
    }
    return out;
  }

  static void copyTree(Path from, Path to) throws IOException {
    Files.walkFileTree(
        from,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a)
              throws IOException {
            Files.createDirectories(to.resolve(from.relativize(d).toString()));
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
            Files.copy(f, to.resolve(from.relativize(f).toString()));
            return FileVisitResult.CONTINUE;
          }
        });
  }

  static void deleteTree(Path p) {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
        x.toFile().setWritable(true);
        Files.deleteIfExists(x);
      }
    } catch (IOException e) {
      // best effort: a temp directory
    }
  }
}
