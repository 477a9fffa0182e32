package io.driftgate.core.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The promotion ledger's hash chain, independent of where its entries are kept.
 *
 * <p>An entry is one compact JSON object: {@code seq, time, model, alias, action, from, to, actor,
 * reason, details, prevHash, hash}. {@code prevHash} is the sha256 of the previous entry's exact
 * text (64 zeros for the first); {@code hash} (always the last member) is the sha256 of the text
 * with that member removed. An edited entry breaks its own hash or, if that was recomputed, the
 * next entry's {@code prevHash}; a removed entry breaks {@code seq}/{@code prevHash}. Replaying the
 * entries in order also checks every alias transition (see {@link ModelRegistry} for the rollback
 * stacks they define).
 */
final class LedgerChain {
  static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  static final Pattern ALIAS_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
  static final Pattern VERSION_ID = Pattern.compile("sha256:([0-9a-f]{16})");
  private static final String HASH_MEMBER = ",\"hash\":\"";

  /** Compact, one line per value. */
  private static final ObjectMapper LINE = new ObjectMapper();

  private LedgerChain() {}

  /** One version on an alias's history stack and the entry that pushed it. */
  record StackItem(String version, long seq) {}

  /** The ledger replayed up to some entry. */
  static final class State {
    final List<LedgerEntry> entries = new ArrayList<>();
    final Map<String, Deque<StackItem>> stacks = new TreeMap<>();
    long lastSeq;
    String lastLineHash = LedgerEntry.GENESIS;

    String current(String alias) {
      Deque<StackItem> s = stacks.get(alias);
      return s == null || s.isEmpty() ? null : s.peekFirst().version();
    }

    /** The alias's stack, current version first (empty for an unknown alias). */
    List<StackItem> stack(String alias) {
      Deque<StackItem> s = stacks.get(alias);
      return s == null ? List.of() : List.copyOf(s);
    }

    /** Each alias and its current version. */
    Map<String, String> aliases() {
      Map<String, String> out = new TreeMap<>();
      stacks.forEach(
          (a, s) -> {
            if (!s.isEmpty()) {
              out.put(a, s.peekFirst().version());
            }
          });
      return out;
    }

    /** The seq of the entry that made each alias's current version current. */
    Map<String, Long> aliasSeqs() {
      Map<String, Long> out = new TreeMap<>();
      for (LedgerEntry e : entries) {
        out.put(e.alias(), e.seq());
      }
      return out;
    }
  }

  /** Parses one entry and checks its own hash. */
  static LedgerEntry parse(String ledger, long lineNo, String line) {
    int idx = line.lastIndexOf(HASH_MEMBER);
    if (idx < 0 || !line.endsWith("\"}")) {
      throw new LedgerCorruptedException(ledger, lineNo, "no trailing \"hash\" member");
    }
    String hash = line.substring(idx + HASH_MEMBER.length(), line.length() - 2);
    String body = line.substring(0, idx) + "}";
    if (!Sha256.isHex64(hash) || !Sha256.of(body).equals(hash)) {
      throw new LedgerCorruptedException(
          ledger, lineNo, "entry hash mismatch: stored " + hash + ", computed " + Sha256.of(body));
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
      throw new LedgerCorruptedException(ledger, lineNo, "unparseable entry: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** Checks one parsed entry against the replayed state and applies it. */
  static void apply(
      String ledger, long lineNo, String model, State state, LedgerEntry e, String line) {
    if (e.seq() != state.lastSeq + 1) {
      throw new LedgerCorruptedException(
          ledger, lineNo, "seq " + e.seq() + " where " + (state.lastSeq + 1) + " was expected");
    }
    if (!state.lastLineHash.equals(e.prevHash())) {
      throw new LedgerCorruptedException(
          ledger,
          lineNo,
          "hash chain broken: prevHash "
              + e.prevHash()
              + " but the previous entry hashes to "
              + state.lastLineHash);
    }
    if (!model.equals(e.model())) {
      throw new LedgerCorruptedException(ledger, lineNo, "entry for model " + e.model());
    }
    if (e.alias() == null
        || !ALIAS_NAME.matcher(e.alias()).matches()
        || e.toVersion() == null
        || !VERSION_ID.matcher(e.toVersion()).matches()) {
      throw new LedgerCorruptedException(ledger, lineNo, "bad alias or target version");
    }
    Deque<StackItem> stack = state.stacks.computeIfAbsent(e.alias(), a -> new ArrayDeque<>());
    String current = stack.isEmpty() ? null : stack.peekFirst().version();
    if (!Objects.equals(current, e.fromVersion())) {
      throw new LedgerCorruptedException(
          ledger,
          lineNo,
          "alias " + e.alias() + " moves from " + e.fromVersion() + " but was " + current);
    }
    if (e.action() == LedgerEntry.Action.MOVE) {
      if (!e.toVersion().equals(current)) {
        stack.push(new StackItem(e.toVersion(), e.seq()));
      }
    } else {
      if (stack.size() < 2) {
        throw new LedgerCorruptedException(ledger, lineNo, "rollback without a previous version");
      }
      stack.pop();
      if (!stack.peekFirst().version().equals(e.toVersion())) {
        throw new LedgerCorruptedException(
            ledger,
            lineNo,
            "rollback to " + e.toVersion() + " but previous was " + stack.peekFirst().version());
      }
    }
    state.entries.add(e);
    state.lastSeq = e.seq();
    state.lastLineHash = Sha256.of(line);
  }

  /** The next entry's exact text after {@code state}. */
  static String next(
      State state,
      Instant time,
      String model,
      String alias,
      LedgerEntry.Action action,
      String from,
      String to,
      String actor,
      String reason,
      Map<String, Object> details) {
    ObjectNode n = LINE.createObjectNode();
    n.put("seq", state.lastSeq + 1);
    n.put("time", time.toString());
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
    return body.substring(0, body.length() - 1) + HASH_MEMBER + Sha256.of(body) + "\"}";
  }
}
