package io.driftgate.core.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One-shot import of a registry folder in the layout driftgate used before the state database
 * ({@code <root>/<model>/versions/<hex16>/{model/, version.json}}, {@code ledger.jsonl}, {@code
 * aliases.json}) into a {@link JdbcModelRegistry}. Every version directory is verified against its
 * manifest and registered with its original time and metadata; the ledger's lines are verified and
 * copied verbatim (the hash chain is the same), so the imported ledger has the same hashes as the
 * file. Importing again changes nothing; a model whose database ledger already differs is refused.
 * The folder is only read.
 */
public final class LegacyRegistryImport {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEX16 = Pattern.compile("[0-9a-f]{16}");

  private LegacyRegistryImport() {}

  /**
   * What was imported for one model.
   *
   * @param versions version ids found, oldest registration first
   * @param registered of those, the ones that were not in the database yet
   * @param ledgerEntries entries in the ledger file
   * @param ledgerWritten entries written (0 when the database already had them)
   */
  public record Result(
      String model,
      List<String> versions,
      List<String> registered,
      int ledgerEntries,
      int ledgerWritten) {}

  /** The models in a legacy registry folder (sub-folders with a {@code versions/} folder). */
  public static List<String> models(Path root) {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException("not a directory: " + root);
    }
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> Files.isDirectory(p.resolve("versions")))
          .map(p -> p.getFileName().toString())
          .filter(m -> LedgerChain.MODEL_NAME.matcher(m).matches())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + root, e);
    }
  }

  /** Imports one model's versions and ledger. */
  public static Result run(Path root, String model, JdbcModelRegistry target) {
    Path modelRoot = root.resolve(model);
    Path versionsDir = modelRoot.resolve("versions");
    if (!Files.isDirectory(versionsDir)) {
      throw new IllegalArgumentException("no legacy registry of " + model + " in " + root);
    }
    record Legacy(String versionId, Instant registeredAt, Map<String, String> metadata, Path dir) {}
    List<Legacy> found = new ArrayList<>();
    try (Stream<Path> s = Files.list(versionsDir)) {
      for (Path v : s.sorted().toList()) {
        String hex = v.getFileName().toString();
        Path record = v.resolve("version.json");
        if (!HEX16.matcher(hex).matches() || !Files.isRegularFile(record)) {
          continue;
        }
        JsonNode n = JSON.readTree(record.toFile());
        Map<String, String> meta = new TreeMap<>();
        n.path("metadata")
            .fields()
            .forEachRemaining(e -> meta.put(e.getKey(), e.getValue().asText()));
        String versionId = n.path("versionId").asText();
        if (!versionId.equals("sha256:" + hex)) {
          throw new IllegalStateException(record + " names " + versionId + ", not sha256:" + hex);
        }
        found.add(
            new Legacy(
                versionId,
                Instant.parse(n.path("registeredAt").asText()),
                meta,
                v.resolve("model")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + versionsDir, e);
    }
    found.sort(Comparator.comparing(Legacy::registeredAt).thenComparing(Legacy::versionId));
    List<String> registered = new ArrayList<>();
    for (Legacy l : found) {
      boolean known = target.version(model, l.versionId()).isPresent();
      ModelVersion v = target.register(model, l.dir(), l.metadata(), l.registeredAt());
      if (!v.versionId().equals(l.versionId())) {
        throw new IllegalStateException(
            l.dir() + " holds " + v.versionId() + ", its record says " + l.versionId());
      }
      if (!known) {
        registered.add(v.versionId());
      }
    }
    List<String> lines = ledgerLines(modelRoot);
    int written = lines.isEmpty() ? 0 : target.importLedger(model, ledgerFile(modelRoot), lines);
    return new Result(
        model, found.stream().map(Legacy::versionId).toList(), registered, lines.size(), written);
  }

  private static String ledgerFile(Path modelRoot) {
    return modelRoot.resolve("ledger.jsonl").toString();
  }

  /** The ledger file's lines; a torn last line or a file shorter than aliases.json says fails. */
  private static List<String> ledgerLines(Path modelRoot) {
    Path file = modelRoot.resolve("ledger.jsonl");
    if (!Files.exists(file)) {
      return List.of();
    }
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new LedgerCorruptedException(
          file.toString(),
          text.split("\n", -1).length,
          "last line is not terminated (torn write?)");
    }
    List<String> lines =
        text.isEmpty()
            ? List.of()
            : List.of(text.split("\n", -1)).subList(0, text.split("\n", -1).length - 1);
    Path aliases = modelRoot.resolve("aliases.json");
    if (Files.isRegularFile(aliases)) {
      long recorded;
      try {
        recorded = JSON.readTree(aliases.toFile()).path("ledgerSeq").asLong(0);
      } catch (IOException e) {
        recorded = 0; // an unreadable derived view: the ledger wins, as it did
      }
      if (recorded > lines.size()) {
        throw new LedgerCorruptedException(
            file.toString(),
            lines.size() + 1,
            "ledger ends at seq "
                + lines.size()
                + " but aliases.json was written after seq "
                + recorded
                + " (truncated ledger?)");
      }
    }
    return lines;
  }
}
