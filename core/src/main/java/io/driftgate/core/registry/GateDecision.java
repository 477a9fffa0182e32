package io.driftgate.core.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.driftgate.core.state.ArtifactStore;
import io.driftgate.schemas.PromotionDecision;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A gate's decision on a challenger as a process without the registry's database leaves it (a gate
 * pod: {@code decision.json} in the artifact store, the challenger's files as content-addressed
 * blobs), and how the one writer of the database applies it ({@link #apply}): the challenger is
 * registered from the store, alias {@code challenger} points at it and, on a promotion, {@code
 * champion} moves, each move a ledger entry with the same reasons and details as when the gate runs
 * beside the registry.
 *
 * @param model the model
 * @param promote the gate's verdict
 * @param champion the version the challenger was compared with, or null when there was none
 * @param challengerVersion the challenger's version id ({@link ModelVersion#idFor} of its content)
 * @param challenger the challenger's manifest: its files are the blobs it names
 * @param metadata the challenger's registry metadata
 * @param challengerReason the reason of the {@code challenger} alias move
 * @param promotionReason the reason of the {@code champion} move on a promotion
 * @param details the ledger details of both moves (gate summary, data range, provenance)
 * @param reasons every check's outcome, for the decision record
 * @param metricDeltas challenger minus champion per metric
 * @param dataFromMillis start of the challenger's training data
 * @param dataToMillis end (exclusive) of the challenger's training data
 * @param decidedAtMillis when the gate decided
 * @param report the HTML report's key in the store, or null
 */
public record GateDecision(
    String model,
    boolean promote,
    String champion,
    String challengerVersion,
    Manifest challenger,
    Map<String, String> metadata,
    String challengerReason,
    String promotionReason,
    Map<String, Object> details,
    List<String> reasons,
    Map<String, Double> metricDeltas,
    long dataFromMillis,
    long dataToMillis,
    long decidedAtMillis,
    String report) {

  /** The alias every gated challenger gets. */
  public static final String CHALLENGER = "challenger";

  /** Actor of the gate's alias moves. */
  public static final String GATE_ACTOR = "gate";

  /** Prefix of the decision records ({@link PromotionDecision} Avro objects) of a model. */
  public static final String DECISIONS = "decisions";

  /** Objects of a gate in the artifact store, under the gate's key (one per run attempt). */
  public static final String CHAMPION_OBJECT = "champion.json";

  public static final String DECISION_OBJECT = "decision.json";
  public static final String REPORT_OBJECT = "report.html";

  /** Ledger details keys that name the run and attempt a decision came from (idempotency). */
  public static final String RUN = "run";

  public static final String ATTEMPT = "attempt";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public GateDecision {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(challengerVersion, "challengerVersion");
    Objects.requireNonNull(challenger, "challenger");
    metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
    details = details == null ? Map.of() : new LinkedHashMap<>(details);
    reasons = List.copyOf(reasons == null ? List.of() : reasons);
    metricDeltas = Map.copyOf(metricDeltas == null ? Map.of() : metricDeltas);
  }

  /**
   * The champion a gate compares with, as the launcher names it to a gate pod ({@code
   * champion.json} beside the decision): its version and manifest, or none.
   */
  public record Champion(String version, Manifest manifest) {
    public static final Champion NONE = new Champion(null, null);

    public Champion {
      if ((version == null) != (manifest == null)) {
        throw new IllegalArgumentException("a champion has a version and a manifest, or neither");
      }
    }

    public byte[] toJson() {
      try {
        return JSON.writeValueAsBytes(this);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    public static Champion fromJson(byte[] json) {
      try {
        return JSON.readValue(json, Champion.class);
      } catch (IOException e) {
        throw new IllegalArgumentException("not a champion: " + e.getMessage(), e);
      }
    }

    /** The registry's champion of a model, with its manifest. */
    public static Champion of(JdbcModelRegistry registry, String model) {
      return registry
          .alias(model, ModelRegistry.CHAMPION)
          .map(v -> new Champion(v.versionId(), registry.manifest(model, v.versionId())))
          .orElse(NONE);
    }
  }

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static GateDecision fromJson(byte[] json) {
    try {
      return JSON.readValue(json, GateDecision.class);
    } catch (IOException e) {
      throw new IllegalArgumentException("not a gate decision: " + e.getMessage(), e);
    }
  }

  /**
   * Checks that the decision is whole: the manifest's content hash is its files', and the version
   * id is the content hash's.
   *
   * @throws TamperedModelException when they disagree
   */
  public void check() {
    String recomputed = Manifest.contentHashOf(challenger.files());
    if (!recomputed.equals(challenger.contentHash())
        || !challengerVersion.equals(ModelVersion.idFor(challenger.contentHash()))) {
      throw new TamperedModelException(
          "gate decision on " + challengerVersion,
          List.of(
              new TamperedModelException.Problem(
                  ModelDirectory.MANIFEST,
                  TamperedModelException.Kind.MANIFEST_INVALID,
                  challenger.contentHash(),
                  recomputed)));
    }
  }

  /**
   * What applying a decision did.
   *
   * @param version the registered challenger
   * @param promoted whether champion points at it now
   * @param reason the verdict's explanation (the gate's, or why a promotion was withheld)
   * @param entries the ledger entries written now (none when applied before)
   * @param decision the decision record's location
   */
  public record Applied(
      ModelVersion version,
      boolean promoted,
      String reason,
      List<LedgerEntry> entries,
      String decision) {}

  /**
   * Applies the decision: registers the challenger from the artifact store (its blobs, checked
   * against the manifest), points {@code challenger} at it and, on a promotion, moves {@code
   * champion}, unless {@code champion} moved since the gate compared with it (then the challenger
   * is registered and aliased but not promoted, and the reason says so). Writes the {@link
   * PromotionDecision} record. Idempotent per {@code run} and {@code attempt}: moves the ledger
   * already holds for them are not written again.
   *
   * @param run the run that gated (ledger details {@value #RUN})
   * @param attempt its attempt (ledger details {@value #ATTEMPT})
   * @param scratch an empty local folder the challenger is copied into to be registered
   */
  public Applied apply(JdbcModelRegistry registry, String run, int attempt, Path scratch) {
    check();
    ArtifactStore store = registry.artifacts();
    Path dir = ModelObjects.materialize(store, challenger, scratch.resolve("challenger"));
    ModelVersion version = registry.register(model, dir, metadata);
    if (!version.versionId().equals(challengerVersion)) {
      throw new IllegalStateException(
          "registered " + version.versionId() + " for a decision on " + challengerVersion);
    }
    List<LedgerEntry> ledger = registry.ledger(model);
    List<LedgerEntry> written = new ArrayList<>();
    Map<String, Object> d = new LinkedHashMap<>(details);
    d.put(RUN, run);
    d.put(ATTEMPT, attempt);

    Optional<LedgerEntry> promotedBefore = find(ledger, ModelRegistry.CHAMPION, run, attempt);
    String current =
        registry.alias(model, ModelRegistry.CHAMPION).map(ModelVersion::versionId).orElse(null);
    boolean promoted = promote;
    String reason = String.join("; ", reasons);
    String challengerMove = challengerReason;
    if (promote && promotedBefore.isEmpty() && !Objects.equals(current, champion)) {
      promoted = false;
      reason =
          "the gate passed against champion "
              + (champion == null ? "none" : champion)
              + ", but champion moved to "
              + (current == null ? "none" : current)
              + " meanwhile: not promoted (gate it again, e.g. driftgate promote "
              + challengerVersion
              + ")";
      challengerMove = challengerReason + "; " + reason;
      d.put("decision", "withheld");
      d.put("championNow", current);
    }
    if (find(ledger, CHALLENGER, run, attempt).isEmpty()) {
      written.add(
          registry.moveAlias(model, CHALLENGER, challengerVersion, GATE_ACTOR, challengerMove, d));
    }
    if (promoted && promotedBefore.isEmpty()) {
      written.add(
          registry.moveAlias(
              model, ModelRegistry.CHAMPION, challengerVersion, GATE_ACTOR, promotionReason, d));
    }
    if (promotedBefore.isPresent()) {
      promoted = true;
    }
    String record = writeRecord(store, run, attempt, promoted);
    return new Applied(version, promoted, reason, written, record);
  }

  /** The ledger entry of {@code alias} that a decision of this run and attempt wrote. */
  private static Optional<LedgerEntry> find(
      List<LedgerEntry> ledger, String alias, String run, int attempt) {
    return ledger.stream()
        .filter(
            e ->
                e.alias().equals(alias)
                    && run.equals(String.valueOf(e.details().get(RUN)))
                    && String.valueOf(attempt).equals(String.valueOf(e.details().get(ATTEMPT))))
        .findFirst();
  }

  /** Writes the decision record once per run attempt; its location. */
  private String writeRecord(ArtifactStore store, String run, int attempt, boolean promoted) {
    PromotionDecision rec =
        PromotionDecision.newBuilder()
            .setDecisionId(
                java.util
                    .UUID
                    .nameUUIDFromBytes(
                        (model + "\n" + run + "\n" + attempt)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .toString())
            .setModel(model)
            .setChallengerVersion(challengerVersion)
            .setChampionVersion(champion)
            .setPromoted(promoted)
            .setActor(GATE_ACTOR)
            .setReasons(new ArrayList<>(reasons))
            .setMetricDeltas(new LinkedHashMap<>(finite(metricDeltas)))
            .setDataFrom(Instant.ofEpochMilli(dataFromMillis))
            .setDataTo(Instant.ofEpochMilli(dataToMillis))
            .setDecidedAt(Instant.ofEpochMilli(decidedAtMillis))
            .build();
    String key =
        recordKey(model, decidedAtMillis, challengerVersion, promoted, rec.getDecisionId());
    store.putIfAbsent(key, encode(rec));
    return store.location(key);
  }

  /** The key of a decision record: {@code decisions/<model>/<millis>-<version>-<verdict>-<id>}. */
  public static String recordKey(
      String model, long decidedAtMillis, String versionId, boolean promoted, String decisionId) {
    return DECISIONS
        + "/"
        + model
        + "/"
        + String.format(
            "%013d-%s-%s-%s.avro",
            decidedAtMillis,
            versionId.replace(':', '-'),
            promoted ? "promoted" : "rejected",
            decisionId.substring(0, 8));
  }

  /** A decision record as an Avro data file (one record). */
  public static byte[] encode(PromotionDecision rec) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataFileWriter<PromotionDecision> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(PromotionDecision.class))) {
      w.create(PromotionDecision.getClassSchema(), bytes);
      w.append(rec);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode the decision on " + rec.getModel(), e);
    }
    return bytes.toByteArray();
  }

  private static Map<String, Double> finite(Map<String, Double> m) {
    Map<String, Double> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v != null && Double.isFinite(v) ? v : 0.0));
    return out;
  }

  /** Deletes a scratch folder (best effort). */
  public static void deleteTree(Path p) {
    if (p == null || !Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
        x.toFile().setWritable(true);
        Files.deleteIfExists(x);
      }
    } catch (IOException e) {
      // a temporary folder
    }
  }
}
