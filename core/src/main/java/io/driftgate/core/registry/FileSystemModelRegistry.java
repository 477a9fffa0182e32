package io.driftgate.core.registry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@link ModelRegistry} on a local (or shared POSIX) file system.
 *
 * <pre>
 * &lt;root&gt;/&lt;model&gt;/versions/&lt;hex16&gt;/model/...        the model directory (files + manifest.json), read-only files
 * &lt;root&gt;/&lt;model&gt;/versions/&lt;hex16&gt;/version.json   registration record (contentHash, registeredAt, metadata)
 * &lt;root&gt;/&lt;model&gt;/ledger.jsonl                    append-only, hash-chained alias moves (the source of truth)
 * &lt;root&gt;/&lt;model&gt;/aliases.json                    derived view of the aliases, rewritten atomically after each move
 * &lt;root&gt;/&lt;model&gt;/.lock                           FileChannel lock around every ledger read and append
 * &lt;root&gt;/&lt;model&gt;/.staging/                       registrations in progress (renamed atomically into versions/)
 * </pre>
 *
 * <p>A version directory is assembled in {@code .staging} and renamed into {@code versions/} in one
 * atomic step; an existing version is never overwritten. File permissions are set read-only, but
 * integrity rests on verification: {@link #load} re-hashes every file on every call.
 *
 * <p>Ledger lines are compact JSON objects: {@code seq, time, model, alias, action, from, to,
 * actor, reason, details, prevHash, hash}. {@code prevHash} is the sha256 of the previous line's
 * bytes; {@code hash} (always the last member) is the sha256 of the line with that member removed.
 * An edited line breaks its own hash or, if that was recomputed, the next line's {@code prevHash};
 * a removed line breaks {@code seq}/{@code prevHash}. {@code aliases.json} records the ledger's
 * last seq, so a truncated tail is detected too while that file is in place; it is otherwise never
 * trusted (aliases are replayed from the ledger) and may be deleted at any time ({@link
 * #rebuildAliases} recreates it). Rewriting the whole tail with recomputed hashes and deleting
 * aliases.json is not detectable without an external anchor (e.g. the last {@link
 * LedgerEntry#hash()} stored elsewhere).
 *
 * <p>Alias moves hold an in-JVM lock plus an exclusive {@link FileChannel#lock()} on {@code .lock},
 * so threads and processes sharing the root cannot interleave or fork ledger lines.
 */
public final class FileSystemModelRegistry implements ModelRegistry {

  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Pattern ALIAS_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  private static final Pattern VERSION_ID = Pattern.compile("sha256:([0-9a-f]{16})");
  private static final Pattern HEX16 = Pattern.compile("[0-9a-f]{16}");
  private static final String HASH_MEMBER = ",\"hash\":\"";

  /** Compact, one line per value (ledger). */
  private static final ObjectMapper LINE = new ObjectMapper();

  private static final ObjectMapper PRETTY =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Threads of one JVM must not both hold FileChannel locks on the same file. */
  private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

  private final Path root;
  private final Clock clock;

  public FileSystemModelRegistry(Path root) {
    this(root, Clock.systemUTC());
  }

  public FileSystemModelRegistry(Path root, Clock clock) {
    this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public Path root() {
    return root;
  }

  // ---------------------------------------------------------------- versions

  /** Registration record stored as {@code version.json} next to the model directory. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  record VersionRecord(
      String model,
      String versionId,
      String contentHash,
      String registeredAt,
      Map<String, String> metadata) {}

  @Override
  public ModelVersion register(String model, Path modelDir, Map<String, String> metadata) {
    checkModel(model);
    Objects.requireNonNull(modelDir, "modelDir");
    if (!Files.isDirectory(modelDir)) {
      throw new IllegalArgumentException("not a directory: " + modelDir);
    }
    Path staging = modelRoot(model).resolve(".staging");
    Path stage;
    try {
      Files.createDirectories(staging);
      stage = Files.createTempDirectory(staging, "reg-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create staging directory in " + staging, e);
    }
    try {
      Path copy = stage.resolve("model");
      copyTree(modelDir, copy);
      Manifest manifest;
      if (Files.exists(copy.resolve(ModelDirectory.MANIFEST), LinkOption.NOFOLLOW_LINKS)) {
        try {
          manifest = ModelDirectory.verify(copy);
        } catch (TamperedModelException e) {
          throw new TamperedModelException(modelDir, e.problems());
        }
      } else {
        manifest = ModelDirectory.writeManifest(copy);
      }
      String hex = manifest.contentHash().substring(0, 16);
      String versionId = "sha256:" + hex;
      Path target = versionDir(model, hex);
      if (Files.exists(target)) {
        return existing(model, versionId, manifest);
      }
      VersionRecord record =
          new VersionRecord(
              model,
              versionId,
              manifest.contentHash(),
              Instant.now(clock).toString(),
              new TreeMap<>(metadata == null ? Map.of() : metadata));
      PRETTY.writeValue(stage.resolve("version.json").toFile(), record);
      makeReadOnly(stage);
      Files.createDirectories(target.getParent());
      try {
        Files.move(stage, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
        return existing(model, versionId, manifest);
      } catch (FileSystemException e) {
        if (Files.exists(target)) {
          return existing(model, versionId, manifest);
        }
        throw e;
      }
      return toVersion(record, target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot register " + modelDir + " as " + model, e);
    } finally {
      deleteTree(stage);
    }
  }

  private ModelVersion existing(String model, String versionId, Manifest manifest) {
    ModelVersion v =
        version(model, versionId)
            .orElseThrow(
                () -> new IllegalStateException("version dir without record: " + versionId));
    if (!v.contentHash().equals(manifest.contentHash())) {
      throw new IllegalStateException(
          "version id collision for "
              + versionId
              + ": registered content "
              + v.contentHash()
              + ", new content "
              + manifest.contentHash());
    }
    load(model, versionId); // refuse to hand back a tampered copy
    return v;
  }

  @Override
  public List<ModelVersion> versions(String model) {
    checkModel(model);
    Path dir = modelRoot(model).resolve("versions");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<ModelVersion> out = new ArrayList<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : (Iterable<Path>) list::iterator) {
        String name = p.getFileName().toString();
        if (HEX16.matcher(name).matches() && Files.isRegularFile(p.resolve("version.json"))) {
          out.add(toVersion(readRecord(p), p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    out.sort(
        Comparator.comparing(ModelVersion::registeredAt).thenComparing(ModelVersion::versionId));
    return List.copyOf(out);
  }

  @Override
  public Optional<ModelVersion> version(String model, String versionId) {
    checkModel(model);
    Path dir = versionDir(model, hexOf(versionId));
    if (!Files.isRegularFile(dir.resolve("version.json"))) {
      return Optional.empty();
    }
    return Optional.of(toVersion(readRecord(dir), dir));
  }

  @Override
  public Path load(String model, String versionId) {
    ModelVersion v =
        version(model, versionId)
            .orElseThrow(
                () -> new NoSuchElementException("no version " + versionId + " of model " + model));
    Manifest manifest = ModelDirectory.verify(v.path());
    if (!manifest.contentHash().equals(v.contentHash())
        || !v.versionId().equals(ModelVersion.idFor(v.contentHash()))) {
      throw new TamperedModelException(
          v.path(),
          List.of(
              new TamperedModelException.Problem(
                  ModelDirectory.MANIFEST,
                  TamperedModelException.Kind.MANIFEST_INVALID,
                  v.contentHash(),
                  manifest.contentHash())));
    }
    return v.path();
  }

  private VersionRecord readRecord(Path versionDir) {
    Path file = versionDir.resolve("version.json");
    try {
      return PRETTY.readValue(file.toFile(), VersionRecord.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static ModelVersion toVersion(VersionRecord r, Path versionDir) {
    return new ModelVersion(
        r.model(),
        r.versionId(),
        r.contentHash(),
        Instant.parse(r.registeredAt()),
        r.metadata(),
        versionDir.resolve("model"));
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
    return readState(model).aliases();
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
    return withLock(
        model,
        () -> {
          LedgerState state = readStateLocked(model);
          return append(
              model,
              state,
              alias,
              LedgerEntry.Action.MOVE,
              state.current(alias),
              versionId,
              actor,
              reason,
              details == null ? Map.of() : details);
        });
  }

  @Override
  public Optional<LedgerEntry> rollback(String model, String alias, String actor, String reason) {
    checkModel(model);
    checkAlias(alias);
    checkText("actor", actor);
    checkText("reason", reason);
    return withLock(
        model,
        () -> {
          LedgerState state = readStateLocked(model);
          Deque<StackItem> stack = state.stacks.get(alias);
          if (stack == null || stack.size() < 2) {
            return Optional.empty();
          }
          StackItem top = stack.peekFirst();
          StackItem previous = stack.stream().skip(1).findFirst().orElseThrow();
          load(model, previous.version); // refuse to roll back onto a tampered version
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("rolledBack", top.version);
          details.put("undoesSeq", top.seq);
          return Optional.of(
              append(
                  model,
                  state,
                  alias,
                  LedgerEntry.Action.ROLLBACK,
                  top.version,
                  previous.version,
                  actor,
                  reason,
                  details));
        });
  }

  @Override
  public List<LedgerEntry> ledger(String model) {
    checkModel(model);
    return List.copyOf(readState(model).entries);
  }

  @Override
  public void verifyLedger(String model) {
    checkModel(model);
    readState(model);
  }

  /** Rewrites {@code aliases.json} from the ledger and returns the aliases. */
  public Map<String, String> rebuildAliases(String model) {
    checkModel(model);
    if (!Files.isDirectory(modelRoot(model))) {
      return Map.of();
    }
    return withLock(
        model,
        () -> {
          LedgerState state = replay(model);
          writeAliases(model, state);
          return state.aliases();
        });
  }

  /** Path of a model's ledger file. */
  public Path ledgerFile(String model) {
    checkModel(model);
    return modelRoot(model).resolve("ledger.jsonl");
  }

  /** Path of a model's derived alias file. */
  public Path aliasesFile(String model) {
    checkModel(model);
    return modelRoot(model).resolve("aliases.json");
  }

  private record StackItem(String version, long seq) {}

  /** The ledger replayed. */
  private static final class LedgerState {
    final List<LedgerEntry> entries = new ArrayList<>();
    final Map<String, Deque<StackItem>> stacks = new TreeMap<>();
    long lastSeq;
    String lastLineHash = LedgerEntry.GENESIS;

    String current(String alias) {
      Deque<StackItem> s = stacks.get(alias);
      return s == null || s.isEmpty() ? null : s.peekFirst().version;
    }

    Map<String, String> aliases() {
      Map<String, String> out = new TreeMap<>();
      stacks.forEach(
          (a, s) -> {
            if (!s.isEmpty()) {
              out.put(a, s.peekFirst().version);
            }
          });
      return out;
    }
  }

  private LedgerState readState(String model) {
    if (!Files.isDirectory(modelRoot(model))) {
      return new LedgerState();
    }
    return withLock(model, () -> readStateLocked(model));
  }

  /** Replays the ledger and checks it against aliases.json's recorded length. Hold the lock. */
  private LedgerState readStateLocked(String model) {
    LedgerState state = replay(model);
    Path aliasesFile = aliasesFile(model);
    if (Files.isRegularFile(aliasesFile)) {
      long recordedSeq;
      try {
        recordedSeq = PRETTY.readTree(aliasesFile.toFile()).path("ledgerSeq").asLong(0);
      } catch (IOException e) {
        recordedSeq = 0; // unreadable derived view: the ledger wins
      }
      if (recordedSeq > state.lastSeq) {
        throw new LedgerCorruptedException(
            ledgerFile(model).toString(),
            state.lastSeq + 1,
            "ledger ends at seq "
                + state.lastSeq
                + " but aliases.json was written after seq "
                + recordedSeq
                + " (truncated ledger?)");
      }
    }
    return state;
  }

  private LedgerState replay(String model) {
    Path file = ledgerFile(model);
    LedgerState state = new LedgerState();
    if (!Files.exists(file)) {
      return state;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    int start = 0;
    long lineNo = 0;
    while (start < bytes.length) {
      lineNo++;
      int end = start;
      while (end < bytes.length && bytes[end] != '\n') {
        end++;
      }
      if (end == bytes.length) {
        throw new LedgerCorruptedException(
            file.toString(), lineNo, "last line is not terminated (torn write?)");
      }
      byte[] lineBytes = Arrays.copyOfRange(bytes, start, end);
      LedgerEntry entry = parseLine(file, lineNo, lineBytes);
      apply(file, lineNo, model, state, entry, lineBytes);
      start = end + 1;
    }
    return state;
  }

  private static LedgerEntry parseLine(Path file, long lineNo, byte[] lineBytes) {
    String line = new String(lineBytes, StandardCharsets.UTF_8);
    int idx = line.lastIndexOf(HASH_MEMBER);
    if (idx < 0 || !line.endsWith("\"}")) {
      throw new LedgerCorruptedException(file.toString(), lineNo, "no trailing \"hash\" member");
    }
    String hash = line.substring(idx + HASH_MEMBER.length(), line.length() - 2);
    String body = line.substring(0, idx) + "}";
    if (!Sha256.isHex64(hash) || !Sha256.of(body).equals(hash)) {
      throw new LedgerCorruptedException(
          file.toString(),
          lineNo,
          "line hash mismatch: stored " + hash + ", computed " + Sha256.of(body));
    }
    try {
      JsonNode n = LINE.readTree(line);
      Map<String, Object> details =
          n.hasNonNull("details")
              ? LINE.convertValue(
                  n.get("details"), new TypeReference<LinkedHashMap<String, Object>>() {})
              : Map.of();
      return new LedgerEntry(
          n.get("seq").asLong(),
          Instant.parse(n.get("time").asText()),
          text(n, "model"),
          text(n, "alias"),
          LedgerEntry.Action.valueOf(n.get("action").asText()),
          text(n, "from"),
          text(n, "to"),
          text(n, "actor"),
          text(n, "reason"),
          details,
          text(n, "prevHash"),
          text(n, "hash"));
    } catch (IOException | RuntimeException e) {
      throw new LedgerCorruptedException(
          file.toString(), lineNo, "unparseable line: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Checks one entry against the replayed state and applies it. */
  private static void apply(
      Path file, long lineNo, String model, LedgerState state, LedgerEntry e, byte[] lineBytes) {
    if (e.seq() != state.lastSeq + 1) {
      throw new LedgerCorruptedException(
          file.toString(),
          lineNo,
          "seq " + e.seq() + " where " + (state.lastSeq + 1) + " was expected");
    }
    if (!state.lastLineHash.equals(e.prevHash())) {
      throw new LedgerCorruptedException(
          file.toString(),
          lineNo,
          "hash chain broken: prevHash "
              + e.prevHash()
              + " but previous line hashes to "
              + state.lastLineHash);
    }
    if (!model.equals(e.model())) {
      throw new LedgerCorruptedException(file.toString(), lineNo, "entry for model " + e.model());
    }
    if (e.alias() == null
        || !ALIAS_NAME.matcher(e.alias()).matches()
        || e.toVersion() == null
        || !VERSION_ID.matcher(e.toVersion()).matches()) {
      throw new LedgerCorruptedException(file.toString(), lineNo, "bad alias or target version");
    }
    Deque<StackItem> stack = state.stacks.computeIfAbsent(e.alias(), a -> new ArrayDeque<>());
    String current = stack.isEmpty() ? null : stack.peekFirst().version;
    if (!Objects.equals(current, e.fromVersion())) {
      throw new LedgerCorruptedException(
          file.toString(),
          lineNo,
          "alias " + e.alias() + " moves from " + e.fromVersion() + " but was " + current);
    }
    if (e.action() == LedgerEntry.Action.MOVE) {
      if (!e.toVersion().equals(current)) {
        stack.push(new StackItem(e.toVersion(), e.seq()));
      }
    } else {
      if (stack.size() < 2) {
        throw new LedgerCorruptedException(
            file.toString(), lineNo, "rollback without a previous version");
      }
      stack.pop();
      if (!stack.peekFirst().version.equals(e.toVersion())) {
        throw new LedgerCorruptedException(
            file.toString(),
            lineNo,
            "rollback to " + e.toVersion() + " but previous was " + stack.peekFirst().version);
      }
    }
    state.entries.add(e);
    state.lastSeq = e.seq();
    state.lastLineHash = Sha256.of(lineBytes);
  }

  /** Appends one entry (lock held), updates the state and aliases.json, returns the entry. */
  private LedgerEntry append(
      String model,
      LedgerState state,
      String alias,
      LedgerEntry.Action action,
      String from,
      String to,
      String actor,
      String reason,
      Map<String, Object> details) {
    ObjectNode n = LINE.createObjectNode();
    n.put("seq", state.lastSeq + 1);
    n.put("time", Instant.now(clock).toString());
    n.put("model", model);
    n.put("alias", alias);
    n.put("action", action.name());
    n.put("from", from);
    n.put("to", to);
    n.put("actor", actor);
    n.put("reason", reason);
    try {
      n.set("details", LINE.valueToTree(details));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("details are not JSON-serializable: " + e.getMessage(), e);
    }
    n.put("prevHash", state.lastLineHash);
    String body;
    try {
      body = LINE.writeValueAsString(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String line = body.substring(0, body.length() - 1) + HASH_MEMBER + Sha256.of(body) + "\"}";
    byte[] lineBytes = line.getBytes(StandardCharsets.UTF_8);
    Path file = ledgerFile(model);
    // Parse back first, so what is returned is exactly what a later replay will see.
    LedgerEntry entry = parseLine(file, state.lastSeq + 1, lineBytes);
    ByteBuffer buf = ByteBuffer.allocate(lineBytes.length + 1);
    buf.put(lineBytes).put((byte) '\n').flip();
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + file, e);
    }
    apply(file, entry.seq(), model, state, entry, lineBytes);
    writeAliases(model, state);
    return entry;
  }

  private void writeAliases(String model, LedgerState state) {
    ObjectNode n = PRETTY.createObjectNode();
    n.put("model", model);
    n.put("ledgerSeq", state.lastSeq);
    n.put("ledgerHead", state.lastLineHash);
    ObjectNode a = n.putObject("aliases");
    state.aliases().forEach(a::put);
    Path target = aliasesFile(model);
    Path tmp = target.resolveSibling("aliases.json.tmp");
    try {
      PRETTY.writeValue(tmp.toFile(), n);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + target, e);
    }
  }

  private <T> T withLock(String model, Supplier<T> body) {
    Path dir = modelRoot(model);
    Path lockFile = dir.resolve(".lock");
    ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
    if (jvmLock.isHeldByCurrentThread()) {
      return body.get(); // the file lock is already ours
    }
    jvmLock.lock();
    try {
      Files.createDirectories(dir);
      try (FileChannel ch =
              FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = ch.lock()) {
        return body.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + lockFile, e);
    } finally {
      jvmLock.unlock();
    }
  }

  // ---------------------------------------------------------------- helpers

  private Path modelRoot(String model) {
    return root.resolve(model);
  }

  private Path versionDir(String model, String hex) {
    return modelRoot(model).resolve("versions").resolve(hex);
  }

  private static String hexOf(String versionId) {
    var m = VERSION_ID.matcher(versionId == null ? "" : versionId);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "bad version id '" + versionId + "' (expected sha256:<16 hex>)");
    }
    return m.group(1);
  }

  private static void checkModel(String model) {
    if (model == null || !MODEL_NAME.matcher(model).matches()) {
      throw new IllegalArgumentException("bad model name '" + model + "'");
    }
  }

  private static void checkAlias(String alias) {
    if (alias == null || !ALIAS_NAME.matcher(alias).matches()) {
      throw new IllegalArgumentException("bad alias '" + alias + "' (lower-case [a-z0-9._-])");
    }
  }

  private static void checkText(String what, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(what + " is required");
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    ModelDirectory.scan(from, true); // rejects symlinks and other non-regular files up front
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(ModelDirectory.relative(from, p));
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(target);
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        } else {
          throw new IllegalArgumentException("not a regular file: " + p);
        }
      }
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
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort: a leftover staging directory is harmless
    }
  }
}
