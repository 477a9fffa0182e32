package io.driftgate.core.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.fault.Faults;
import io.driftgate.core.spec.StateSpec;
import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.state.StateDatabase;
import io.driftgate.core.state.StateStoreException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A {@link ModelRegistry} on the control plane's state database and artifact store ({@code state}
 * in the spec): rows for versions, aliases and the promotion ledger in {@link StateDatabase}, the
 * model files as content-addressed objects in {@link ArtifactStore}. Nothing is renamed, appended
 * to or locked in the store, so it may be a Cloud Storage bucket (or a FUSE mount of one).
 *
 * <h2>Versions</h2>
 *
 * A model directory becomes one object per distinct file content ({@code
 * blobs/sha256/<hh>/<sha256>}, shared by every version and model that has those bytes) and a
 * manifest object ({@code manifests/<model>/<contentHash>.json}); the version's row in {@code
 * dg_model_versions} holds the manifest too, and {@code dg_model_objects} lists every object the
 * version references. Objects are written first and the rows after, in one transaction: a version
 * exists once its row commits, and a registration that dies in between leaves only unreferenced
 * objects, which {@link #gc} removes. {@link #load} copies a version's objects into a local cache
 * folder ({@code <cache>/<contentHash>}), checking every object's sha256 against the row's
 * manifest, and re-verifies that folder on every call.
 *
 * <h2>Ledger</h2>
 *
 * {@code dg_model_ledger} keeps each alias move as the same hash-chained JSON entry a ledger file
 * would hold (see {@link LedgerChain}) with its seq as part of the primary key, so two writers
 * cannot both append seq n: the loser's transaction conflicts and is retried on the new head.
 * Triggers refuse UPDATE and DELETE on the ledger (and on versions and their objects) on SQLite and
 * PostgreSQL alike; on PostgreSQL the privileges are also revoked from PUBLIC. {@code
 * dg_model_aliases} holds each alias's version and the seq that put it there, written in the ledger
 * entry's transaction; aliases are always replayed from the verified ledger and checked against
 * that table, so a forged or removed ledger tail, or an alias changed behind the registry's back,
 * fails {@link #verifyLedger}. A rewritten chain together with a matching alias table is not
 * detectable without an anchor outside the database.
 */
public final class JdbcModelRegistry implements ModelRegistry {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String MANIFESTS = "manifests/";

  /** Writers of one JVM queue per model instead of conflicting in the database. */
  private static final ConcurrentHashMap<String, ReentrantLock> WRITERS = new ConcurrentHashMap<>();

  private final StateDatabase db;
  private final ArtifactStore store;
  private final Clock clock;
  private final Path cache;

  /** Test seam: runs after a registration's objects are written, before its rows commit. */
  volatile Consumer<String> afterObjectsWritten = v -> {};

  /**
   * @param cache local folder that {@link #load} copies versions into
   */
  public JdbcModelRegistry(StateDatabase db, ArtifactStore store, Clock clock, Path cache) {
    this.db = Objects.requireNonNull(db, "db");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.cache = Objects.requireNonNull(cache, "cache").toAbsolutePath().normalize();
  }

  /**
   * The registry of a model spec: its {@code state} database and artifact store, the store with the
   * lake's object storage settings ({@link ArtifactStore#open(io.driftgate.core.spec.ModelSpec)}).
   */
  public static JdbcModelRegistry open(io.driftgate.core.spec.ModelSpec spec) {
    return new JdbcModelRegistry(
        StateDatabase.open(spec.state()),
        ArtifactStore.open(spec),
        Clock.systemUTC(),
        defaultCache());
  }

  /** The registry of a spec's {@code state} section, loading into {@link #defaultCache()}. */
  public static JdbcModelRegistry open(StateSpec state) {
    return new JdbcModelRegistry(
        StateDatabase.open(state),
        ArtifactStore.open(state.artifacts()),
        Clock.systemUTC(),
        defaultCache());
  }

  /**
   * A standalone registry in one local folder: SQLite {@code state.db}, artifacts in {@code
   * artifacts/}, loaded versions in {@code cache/} (tests, local experiments; {@code --registry
   * DIR}).
   */
  public static JdbcModelRegistry embedded(Path dir) {
    Path d = dir.toAbsolutePath().normalize();
    StateSpec spec =
        new StateSpec(
            "jdbc:sqlite:" + d.resolve(EMBEDDED_DB), Map.of(), d.resolve("artifacts").toString());
    return new JdbcModelRegistry(
        StateDatabase.open(spec),
        ArtifactStore.open(spec.artifacts()),
        Clock.systemUTC(),
        d.resolve("cache"));
  }

  /** File name of the state database of an {@link #embedded} registry. */
  public static final String EMBEDDED_DB = "state.db";

  /**
   * Where loaded versions go: {@code $DRIFTGATE_MODEL_CACHE}, else {@code
   * <java.io.tmpdir>/driftgate-models-<user>}.
   */
  public static Path defaultCache() {
    String env = System.getenv("DRIFTGATE_MODEL_CACHE");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    return Path.of(
        System.getProperty("java.io.tmpdir"),
        "driftgate-models-"
            + System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_"));
  }

  public StateDatabase database() {
    return db;
  }

  public ArtifactStore artifacts() {
    return store;
  }

  public Path cache() {
    return cache;
  }

  /** Database and artifact store, without credentials, for messages. */
  public String describe() {
    return db.describe() + " (artifacts " + store.root() + ")";
  }

  /** Where a model's ledger is, for messages. */
  public String ledgerLocation(String model) {
    checkModel(model);
    return "dg_model_ledger[" + model + "] in " + db.describe();
  }

  // ---------------------------------------------------------------- versions

  @Override
  public ModelVersion register(String model, Path modelDir, Map<String, String> metadata) {
    return register(model, modelDir, metadata, null);
  }

  /** {@link #register} with the registration time given (null: now), for imports. */
  ModelVersion register(
      String model, Path modelDir, Map<String, String> metadata, Instant registeredAt) {
    checkModel(model);
    Objects.requireNonNull(modelDir, "modelDir");
    if (!Files.isDirectory(modelDir)) {
      throw new IllegalArgumentException("not a directory: " + modelDir);
    }
    Map<String, Path> files = ModelDirectory.scan(modelDir, true);
    Manifest manifest;
    if (Files.exists(modelDir.resolve(ModelDirectory.MANIFEST), LinkOption.NOFOLLOW_LINKS)) {
      manifest = ModelDirectory.verify(modelDir); // a tampered source is refused
    } else {
      Map<String, String> hashes = new TreeMap<>();
      files.forEach((rel, p) -> hashes.put(rel, Sha256.ofFile(p)));
      manifest = Manifest.of(hashes);
    }
    String versionId = ModelVersion.idFor(manifest.contentHash());
    Optional<ModelVersion> existing = version(model, versionId);
    if (existing.isPresent()) {
      return existing(existing.get(), manifest, files);
    }
    writeObjects(model, manifest, files);
    afterObjectsWritten.accept(versionId);
    Faults.hit(Faults.REGISTRY_BEFORE_COMMIT);
    long now = registeredAt != null ? registeredAt.toEpochMilli() : clock.millis();
    String metaJson = json(new TreeMap<>(metadata == null ? Map.of() : metadata));
    String manifestJson = json(manifest);
    String manifestKey = manifestKey(model, manifest.contentHash());
    boolean inserted =
        db.transaction(
            c -> {
              int n;
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO dg_model_versions(model, version_id, content_hash,"
                          + " registered_ms, metadata, manifest, manifest_key)"
                          + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                ps.setString(1, model);
                ps.setString(2, versionId);
                ps.setString(3, manifest.contentHash());
                ps.setLong(4, now);
                ps.setString(5, metaJson);
                ps.setString(6, manifestJson);
                ps.setString(7, manifestKey);
                n = ps.executeUpdate();
              }
              if (n == 0) {
                return false;
              }
              try (PreparedStatement ps =
                  c.prepareStatement(
                      "INSERT INTO dg_model_objects(model, version_id, object_key)"
                          + " VALUES (?, ?, ?)")) {
                for (String key : objectKeys(model, manifest)) {
                  ps.setString(1, model);
                  ps.setString(2, versionId);
                  ps.setString(3, key);
                  ps.addBatch();
                }
                ps.executeBatch();
              }
              return true;
            });
    ModelVersion v = version(model, versionId).orElseThrow();
    if (!inserted) { // registered by another writer meanwhile
      return existing(v, manifest, files);
    }
    // An old unreferenced object of the same content may have been removed by a concurrent gc
    // between our check and our commit: write back whatever is missing now that rows hold it.
    repairMissing(model, manifest, files);
    return v;
  }

  /** Re-registration of registered content: the first registration, checked. */
  private ModelVersion existing(ModelVersion v, Manifest manifest, Map<String, Path> files) {
    if (!v.contentHash().equals(manifest.contentHash())) {
      throw new IllegalStateException(
          "version id collision for "
              + v.versionId()
              + ": registered content "
              + v.contentHash()
              + ", new content "
              + manifest.contentHash());
    }
    repairMissing(v.model(), manifest, files);
    load(v.model(), v.versionId()); // refuse to hand back a tampered copy
    return v;
  }

  private void writeObjects(String model, Manifest manifest, Map<String, Path> files) {
    ModelObjects.putFiles(store, manifest, files);
    store.putIfAbsent(manifestKey(model, manifest.contentHash()), manifestBytes(manifest));
  }

  private void repairMissing(String model, Manifest manifest, Map<String, Path> files) {
    Set<String> seen = new LinkedHashSet<>();
    manifest
        .files()
        .forEach(
            (rel, sha) -> {
              if (seen.add(sha) && !store.exists(ArtifactStore.blobKey(sha))) {
                store.putBlob(files.get(rel), sha);
              }
            });
    String mk = manifestKey(model, manifest.contentHash());
    if (!store.exists(mk)) {
      store.putIfAbsent(mk, manifestBytes(manifest));
    }
  }

  /** Every object a version references: its files' blobs and its manifest. */
  private static List<String> objectKeys(String model, Manifest manifest) {
    Set<String> keys = new LinkedHashSet<>();
    manifest.files().values().forEach(sha -> keys.add(ArtifactStore.blobKey(sha)));
    keys.add(manifestKey(model, manifest.contentHash()));
    return List.copyOf(keys);
  }

  /** The key of a registered version's manifest object in the artifact store. */
  public static String manifestKey(String model, String contentHash) {
    return MANIFESTS + model + "/" + contentHash + ".json";
  }

  private static byte[] manifestBytes(Manifest manifest) {
    try {
      return ModelDirectory.JSON.writeValueAsBytes(manifest);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public List<ModelVersion> versions(String model) {
    checkModel(model);
    return query(
        "SELECT model, version_id, content_hash, registered_ms, metadata FROM dg_model_versions"
            + " WHERE model = ? ORDER BY registered_ms, version_id",
        List.of(model),
        this::toVersion);
  }

  @Override
  public Optional<ModelVersion> version(String model, String versionId) {
    checkModel(model);
    checkVersionId(versionId);
    List<ModelVersion> found =
        query(
            "SELECT model, version_id, content_hash, registered_ms, metadata"
                + " FROM dg_model_versions WHERE model = ? AND version_id = ?",
            List.of(model, versionId),
            this::toVersion);
    return found.stream().findFirst();
  }

  private ModelVersion toVersion(ResultSet r) throws SQLException {
    Map<String, String> meta;
    try {
      meta = JSON.readValue(r.getString(5), new TypeReference<TreeMap<String, String>>() {});
    } catch (IOException e) {
      throw new StateStoreException("unreadable metadata of " + r.getString(2), e);
    }
    String contentHash = r.getString(3);
    return new ModelVersion(
        r.getString(1),
        r.getString(2),
        contentHash,
        Instant.ofEpochMilli(r.getLong(4)),
        meta,
        cache.resolve(contentHash));
  }

  /** A registered version's manifest as its row holds it. */
  public Manifest manifest(String model, String versionId) {
    checkModel(model);
    checkVersionId(versionId);
    List<String> rows =
        query(
            "SELECT manifest FROM dg_model_versions WHERE model = ? AND version_id = ?",
            List.of(model, versionId),
            r -> r.getString(1));
    if (rows.isEmpty()) {
      throw new NoSuchElementException("no version " + versionId + " of model " + model);
    }
    try {
      return JSON.readValue(rows.get(0), Manifest.class);
    } catch (IOException e) {
      throw new TamperedModelException(
          where(model, versionId),
          List.of(
              new TamperedModelException.Problem(
                  ModelDirectory.MANIFEST,
                  TamperedModelException.Kind.MANIFEST_INVALID,
                  "valid JSON",
                  "unparseable: " + e.getMessage())));
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The first load of a version copies its objects into {@code <cache>/<contentHash>}, refusing
   * any object whose sha256 is not the manifest's; every load then verifies that folder against the
   * manifest.
   */
  @Override
  public Path load(String model, String versionId) {
    ModelVersion v =
        version(model, versionId)
            .orElseThrow(
                () -> new NoSuchElementException("no version " + versionId + " of model " + model));
    Manifest manifest = manifest(model, versionId);
    String recomputed = Manifest.contentHashOf(manifest.files());
    if (!recomputed.equals(v.contentHash())
        || !v.contentHash().equals(manifest.contentHash())
        || !v.versionId().equals(ModelVersion.idFor(v.contentHash()))) {
      throw new TamperedModelException(
          where(model, versionId),
          List.of(
              new TamperedModelException.Problem(
                  ModelDirectory.MANIFEST,
                  TamperedModelException.Kind.MANIFEST_INVALID,
                  v.contentHash(),
                  recomputed)));
    }
    Path dir = v.path();
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      materialize(model, v, manifest, dir);
    }
    Manifest onDisk = ModelDirectory.verify(dir);
    if (!onDisk.contentHash().equals(v.contentHash())) {
      throw new TamperedModelException(
          dir,
          List.of(
              new TamperedModelException.Problem(
                  ModelDirectory.MANIFEST,
                  TamperedModelException.Kind.MANIFEST_INVALID,
                  v.contentHash(),
                  onDisk.contentHash())));
    }
    return dir;
  }

  /** Copies a version's objects into {@code dir}, checking each against the manifest. */
  private void materialize(String model, ModelVersion v, Manifest manifest, Path dir) {
    Path tmp;
    try {
      Files.createDirectories(cache);
      tmp = Files.createTempDirectory(cache, ".load-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder in the model cache " + cache, e);
    }
    try {
      List<TamperedModelException.Problem> problems = ModelObjects.copyFiles(store, manifest, tmp);
      String manifestKey = manifestKey(model, v.contentHash());
      Manifest stored;
      try {
        stored = ModelDirectory.JSON.readValue(store.read(manifestKey), Manifest.class);
      } catch (NoSuchElementException e) {
        stored = null;
      } catch (IOException e) {
        stored = new Manifest(Map.of(), "unparseable");
      }
      if (stored == null || !stored.equals(manifest)) {
        problems.add(
            0,
            new TamperedModelException.Problem(
                ModelDirectory.MANIFEST,
                TamperedModelException.Kind.MANIFEST_INVALID,
                manifest.contentHash(),
                stored == null ? "missing" : stored.contentHash()));
      }
      if (!problems.isEmpty()) {
        problems.sort(
            Comparator.comparing(
                (TamperedModelException.Problem p) ->
                    p.kind() == TamperedModelException.Kind.MANIFEST_INVALID ? "" : p.file()));
        throw new TamperedModelException(where(model, v.versionId()), problems);
      }
      Files.write(tmp.resolve(ModelDirectory.MANIFEST), manifestBytes(manifest));
      makeReadOnly(tmp);
      try {
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        // loaded by another thread or process meanwhile: theirs is verified by the caller
      } catch (AtomicMoveNotSupportedException e) {
        throw new UncheckedIOException("the model cache " + cache + " cannot rename folders", e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + v.versionId() + " into " + dir, e);
    } finally {
      deleteTree(tmp);
    }
  }

  private String where(String model, String versionId) {
    return "version " + versionId + " of " + model + " in " + store.root();
  }

  // ---------------------------------------------------------------- aliases and ledger

  @Override
  public Optional<ModelVersion> alias(String model, String alias) {
    checkAlias(alias);
    String id = aliases(model).get(alias);
    if (id == null) {
      return Optional.empty();
    }
    return Optional.of(
        version(model, id)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "alias " + alias + " of " + model + " points at missing version " + id)));
  }

  @Override
  public Map<String, String> aliases(String model) {
    checkModel(model);
    return read(model).aliases();
  }

  @Override
  public List<LedgerEntry> ledger(String model) {
    checkModel(model);
    return List.copyOf(read(model).entries);
  }

  @Override
  public void verifyLedger(String model) {
    checkModel(model);
    read(model);
  }

  @Override
  public LedgerEntry moveAlias(
      String model,
      String alias,
      String versionId,
      String actor,
      String reason,
      Map<String, Object> details) {
    checkModel(model);
    checkAlias(alias);
    checkText("actor", actor);
    checkText("reason", reason);
    load(model, versionId); // exists and is intact
    Map<String, Object> d = details == null ? Map.of() : details;
    return writing(
        model,
        () ->
            db.transaction(
                c -> {
                  LedgerChain.State state = replay(c, model);
                  return append(
                      c,
                      model,
                      state,
                      alias,
                      LedgerEntry.Action.MOVE,
                      state.current(alias),
                      versionId,
                      actor,
                      reason,
                      d);
                }));
  }

  @Override
  public Optional<LedgerEntry> rollback(String model, String alias, String actor, String reason) {
    checkModel(model);
    checkAlias(alias);
    checkText("actor", actor);
    checkText("reason", reason);
    return writing(
        model,
        () -> {
          while (true) {
            // Plan outside the transaction (the target is verified, which may read the store),
            // then append only if the alias's stack is still what was planned.
            List<LedgerChain.StackItem> planned = read(model).stack(alias);
            if (planned.size() < 2) {
              return Optional.<LedgerEntry>empty();
            }
            LedgerChain.StackItem top = planned.get(0);
            LedgerChain.StackItem previous = planned.get(1);
            load(model, previous.version()); // refuse to roll back onto a tampered version
            Optional<LedgerEntry> done =
                db.transaction(
                    c -> {
                      LedgerChain.State state = replay(c, model);
                      List<LedgerChain.StackItem> now = state.stack(alias);
                      if (now.size() < 2
                          || !now.get(0).equals(top)
                          || !now.get(1).equals(previous)) {
                        return null; // moved meanwhile: plan again
                      }
                      Map<String, Object> details = new LinkedHashMap<>();
                      details.put("rolledBack", top.version());
                      details.put("undoesSeq", top.seq());
                      return Optional.of(
                          append(
                              c,
                              model,
                              state,
                              alias,
                              LedgerEntry.Action.ROLLBACK,
                              top.version(),
                              previous.version(),
                              actor,
                              reason,
                              details));
                    });
            if (done != null) {
              return done;
            }
          }
        });
  }

  /** Appends one entry in the caller's transaction and moves the alias row. */
  private LedgerEntry append(
      Connection c,
      String model,
      LedgerChain.State state,
      String alias,
      LedgerEntry.Action action,
      String from,
      String to,
      String actor,
      String reason,
      Map<String, Object> details)
      throws SQLException {
    String line =
        LedgerChain.next(
            state, Instant.now(clock), model, alias, action, from, to, actor, reason, details);
    String where = ledgerLocation(model);
    // Parse back first, so what is returned is exactly what a later replay will see.
    LedgerEntry e = LedgerChain.parse(where, state.lastSeq + 1, line);
    LedgerChain.apply(where, e.seq(), model, state, e, line);
    try (PreparedStatement ps = c.prepareStatement(INSERT_LEDGER)) {
      bindLedger(ps, model, e, line);
      ps.executeUpdate();
    } catch (SQLException x) {
      if ("23505".equals(x.getSQLState())
          || String.valueOf(x.getMessage()).contains("SQLITE_CONSTRAINT_PRIMARYKEY")) {
        // Another writer appended this seq first: retry the transaction on the new head.
        throw new SQLException("ledger seq " + e.seq() + " of " + model + " taken", "40001", x);
      }
      throw x;
    }
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO dg_model_aliases(model, alias, version_id, ledger_seq)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (model, alias) DO UPDATE"
                + " SET version_id = excluded.version_id, ledger_seq = excluded.ledger_seq")) {
      ps.setString(1, model);
      ps.setString(2, alias);
      ps.setString(3, state.current(alias));
      ps.setLong(4, e.seq());
      ps.executeUpdate();
    }
    return e;
  }

  private <T> T writing(String model, Supplier<T> body) {
    ReentrantLock lock =
        WRITERS.computeIfAbsent(db.spec().url() + "\n" + model, k -> new ReentrantLock());
    lock.lock();
    try {
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  /** The verified ledger, checked against the alias table, in one read transaction. */
  private LedgerChain.State read(String model) {
    return db.transaction(c -> replay(c, model));
  }

  /** Replays and verifies a model's ledger and checks the alias table against it. */
  private LedgerChain.State replay(Connection c, String model) throws SQLException {
    String where = ledgerLocation(model);
    LedgerChain.State state = new LedgerChain.State();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT seq, time_ms, alias, action, from_version, to_version, actor, line,"
                + " prev_hash, hash FROM dg_model_ledger WHERE model = ? ORDER BY seq")) {
      ps.setString(1, model);
      try (ResultSet r = ps.executeQuery()) {
        long lineNo = 0;
        while (r.next()) {
          lineNo++;
          String line = r.getString(8);
          LedgerEntry e = LedgerChain.parse(where, lineNo, line == null ? "" : line);
          checkColumns(where, lineNo, r, e);
          LedgerChain.apply(where, lineNo, model, state, e, line);
        }
      }
    }
    Map<String, String> versions = new TreeMap<>();
    Map<String, Long> seqs = new TreeMap<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT alias, version_id, ledger_seq FROM dg_model_aliases WHERE model = ?")) {
      ps.setString(1, model);
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          versions.put(r.getString(1), r.getString(2));
          seqs.put(r.getString(1), r.getLong(3));
        }
      }
    }
    Map<String, Long> replayedSeqs = state.aliasSeqs();
    for (Map.Entry<String, Long> s : seqs.entrySet()) {
      if (s.getValue() > state.lastSeq) {
        throw new LedgerCorruptedException(
            where,
            state.lastSeq + 1,
            "the ledger ends at seq "
                + state.lastSeq
                + " but alias "
                + s.getKey()
                + " was moved by seq "
                + s.getValue()
                + " (entries removed?)");
      }
    }
    if (!versions.equals(state.aliases()) || !seqs.equals(replayedSeqs)) {
      throw new LedgerCorruptedException(
          where,
          0,
          "dg_model_aliases "
              + versions
              + " (by seqs "
              + seqs
              + ") disagrees with the ledger's replay "
              + state.aliases()
              + " (by seqs "
              + replayedSeqs
              + ")");
    }
    return state;
  }

  /** The queryable columns of a ledger row must say what its hashed line says. */
  private static void checkColumns(String where, long lineNo, ResultSet r, LedgerEntry e)
      throws SQLException {
    List<String> bad = new ArrayList<>();
    if (r.getLong(1) != e.seq()) {
      bad.add("seq");
    }
    if (r.getLong(2) != e.time().toEpochMilli()) {
      bad.add("time_ms");
    }
    if (!Objects.equals(r.getString(3), e.alias())) {
      bad.add("alias");
    }
    if (!Objects.equals(r.getString(4), e.action().name())) {
      bad.add("action");
    }
    if (!Objects.equals(r.getString(5), e.fromVersion())) {
      bad.add("from_version");
    }
    if (!Objects.equals(r.getString(6), e.toVersion())) {
      bad.add("to_version");
    }
    if (!Objects.equals(r.getString(7), e.actor())) {
      bad.add("actor");
    }
    if (!Objects.equals(r.getString(9), e.prevHash())) {
      bad.add("prev_hash");
    }
    if (!Objects.equals(r.getString(10), e.hash())) {
      bad.add("hash");
    }
    if (!bad.isEmpty()) {
      throw new LedgerCorruptedException(
          where, lineNo, "columns " + bad + " disagree with the entry's hashed line");
    }
  }

  /**
   * Imports a whole ledger, entry texts verbatim (the hash chain of a ledger file is the same as
   * this table's), into a model without ledger rows; a model whose rows are exactly these entries
   * is left alone. Every entry is verified and its versions must be registered.
   *
   * @return the number of entries written (0 when they were already there)
   * @throws LedgerCorruptedException when the entries do not verify
   * @throws IllegalStateException when the model already has other ledger rows
   */
  int importLedger(String model, String source, List<String> lines) {
    checkModel(model);
    LedgerChain.State imported = new LedgerChain.State();
    long lineNo = 0;
    for (String line : lines) {
      lineNo++;
      LedgerEntry e = LedgerChain.parse(source, lineNo, line);
      LedgerChain.apply(source, lineNo, model, imported, e, line);
    }
    return writing(
        model,
        () ->
            db.transaction(
                c -> {
                  LedgerChain.State state = replay(c, model);
                  if (!state.entries.isEmpty()) {
                    if (state.entries.equals(imported.entries)) {
                      return 0;
                    }
                    throw new IllegalStateException(
                        "the ledger of "
                            + model
                            + " already has "
                            + state.entries.size()
                            + " entries that are not those of "
                            + source);
                  }
                  try (PreparedStatement ps = c.prepareStatement(INSERT_LEDGER)) {
                    for (int i = 0; i < lines.size(); i++) {
                      bindLedger(ps, model, imported.entries.get(i), lines.get(i));
                      ps.addBatch();
                    }
                    ps.executeBatch();
                  }
                  Map<String, Long> seqs = imported.aliasSeqs();
                  try (PreparedStatement ps =
                      c.prepareStatement(
                          "INSERT INTO dg_model_aliases(model, alias, version_id, ledger_seq)"
                              + " VALUES (?, ?, ?, ?)")) {
                    for (Map.Entry<String, String> a : imported.aliases().entrySet()) {
                      ps.setString(1, model);
                      ps.setString(2, a.getKey());
                      ps.setString(3, a.getValue());
                      ps.setLong(4, seqs.get(a.getKey()));
                      ps.addBatch();
                    }
                    ps.executeBatch();
                  }
                  replay(c, model); // as a later read will see it
                  return lines.size();
                }));
  }

  // ---------------------------------------------------------------- garbage collection

  /**
   * What {@link #gc} found and removed.
   *
   * @param listed objects under {@code blobs/} and {@code manifests/}
   * @param referenced of those, the ones some version references
   * @param removed unreferenced objects older than the grace period: removed, or with {@code
   *     dryRun} the ones that would be
   * @param young unreferenced objects kept because they are younger than the grace period (a
   *     registration may be writing them)
   */
  public record GcReport(
      int listed,
      int referenced,
      List<ArtifactStore.StoredObject> removed,
      List<ArtifactStore.StoredObject> young,
      boolean dryRun) {
    public long removedBytes() {
      return removed.stream().mapToLong(ArtifactStore.StoredObject::size).sum();
    }
  }

  /**
   * Removes the artifact store's model objects that no version references: what registrations that
   * failed between writing objects and committing their rows left behind. Objects created less than
   * {@code grace} ago are kept (they may belong to a registration in progress), and so are objects
   * whose creation time the store does not report, unless {@code grace} is zero. Each object is
   * checked for references again just before it is deleted. What remains is a narrow race with a
   * registration of the same bytes as an old orphan (it finds the object, and gc deletes it after
   * that registration's commit and check): the version then fails to load with the file named as
   * removed, and registering the same directory again writes the object back.
   */
  public GcReport gc(Duration grace, boolean dryRun) {
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative: " + grace);
    }
    List<ArtifactStore.StoredObject> listed = new ArrayList<>();
    listed.addAll(store.list(ArtifactStore.BLOBS));
    listed.addAll(store.list(MANIFESTS));
    Set<String> referenced =
        new java.util.HashSet<>(
            query(
                "SELECT DISTINCT object_key FROM dg_model_objects",
                List.of(),
                r -> r.getString(1)));
    long cutoff = clock.millis() - grace.toMillis();
    List<ArtifactStore.StoredObject> removed = new ArrayList<>();
    List<ArtifactStore.StoredObject> young = new ArrayList<>();
    int referencedCount = 0;
    for (ArtifactStore.StoredObject o : listed) {
      if (referenced.contains(o.key())) {
        referencedCount++;
        continue;
      }
      boolean old = grace.isZero() || (o.createdAtMillis() > 0 && o.createdAtMillis() <= cutoff);
      if (!old) {
        young.add(o);
        continue;
      }
      if (!dryRun) {
        if (isReferenced(o.key())) {
          referencedCount++;
          continue;
        }
        store.delete(o.key());
      }
      removed.add(o);
    }
    return new GcReport(
        listed.size(), referencedCount, List.copyOf(removed), List.copyOf(young), dryRun);
  }

  private boolean isReferenced(String key) {
    return !query(
            "SELECT 1 FROM dg_model_objects WHERE object_key = ?", List.of(key), r -> r.getInt(1))
        .isEmpty();
  }

  // ---------------------------------------------------------------- helpers

  private static final String INSERT_LEDGER =
      "INSERT INTO dg_model_ledger(model, seq, time_ms, alias, action, from_version,"
          + " to_version, actor, line, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

  /** Binds one ledger row ({@link #INSERT_LEDGER}): the entry and its line as written. */
  private static void bindLedger(PreparedStatement ps, String model, LedgerEntry e, String line)
      throws SQLException {
    ps.setString(1, model);
    ps.setLong(2, e.seq());
    ps.setLong(3, e.time().toEpochMilli());
    ps.setString(4, e.alias());
    ps.setString(5, e.action().name());
    ps.setString(6, e.fromVersion());
    ps.setString(7, e.toVersion());
    ps.setString(8, e.actor());
    ps.setString(9, line);
    ps.setString(10, e.prevHash());
    ps.setString(11, e.hash());
  }

  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet r) throws SQLException;
  }

  private <T> List<T> query(String sql, List<Object> params, Row<T> row) {
    try (Connection c = db.connect();
        PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        ps.setObject(i + 1, params.get(i));
      }
      List<T> out = new ArrayList<>();
      try (ResultSet r = ps.executeQuery()) {
        while (r.next()) {
          out.add(row.map(r));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new StateStoreException("state database " + db.describe() + ": " + e.getMessage(), e);
    }
  }

  private static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON-serializable: " + e.getMessage(), e);
    }
  }

  private static void checkModel(String model) {
    if (model == null || !LedgerChain.MODEL_NAME.matcher(model).matches()) {
      throw new IllegalArgumentException("bad model name '" + model + "'");
    }
  }

  private static void checkAlias(String alias) {
    if (alias == null || !LedgerChain.ALIAS_NAME.matcher(alias).matches()) {
      throw new IllegalArgumentException("bad alias '" + alias + "' (lower-case [a-z0-9._-])");
    }
  }

  private static void checkVersionId(String versionId) {
    if (versionId == null || !LedgerChain.VERSION_ID.matcher(versionId).matches()) {
      throw new IllegalArgumentException(
          "bad version id '" + versionId + "' (expected sha256:<16 hex>)");
    }
  }

  private static void checkText(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is required");
    }
  }

  private static void makeReadOnly(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          p.toFile().setWritable(false, false);
        }
      }
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        p.toFile().setWritable(true, true);
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a leftover temporary folder in the cache is harmless
    }
  }
}
