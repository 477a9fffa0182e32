package io.driftgate.testkit.datasets;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The glosses (definitions) of Princeton WordNet 3.0, read from the {@code data.*} files of
 * Debian's {@code wordnet-base} package: a real English corpus that installs offline, labelled by
 * part of speech and by lexicographer file ({@code noun.animal}, {@code verb.motion}, ...), the
 * topic label of the text example.
 *
 * <p>Format: wndb(5WN). A data line is {@code offset lex_filenum ss_type w_cnt word lex_id ...
 * p_cnt pointers... [frames] | gloss}; lines of the licence header start with two spaces.
 */
public final class WordNetGlosses {
  /** Where Debian installs the database. */
  public static final Path DEBIAN_DIR = Path.of("/usr/share/wordnet");

  /** Lexicographer file names by number (lexnames(5WN)); fixed by WordNet 3.0. */
  static final List<String> LEX_NAMES =
      List.of(
          "adj.all",
          "adj.pert",
          "adv.all",
          "noun.Tops",
          "noun.act",
          "noun.animal",
          "noun.artifact",
          "noun.attribute",
          "noun.body",
          "noun.cognition",
          "noun.communication",
          "noun.event",
          "noun.feeling",
          "noun.food",
          "noun.group",
          "noun.location",
          "noun.motive",
          "noun.object",
          "noun.person",
          "noun.phenomenon",
          "noun.plant",
          "noun.possession",
          "noun.process",
          "noun.quantity",
          "noun.relation",
          "noun.shape",
          "noun.state",
          "noun.substance",
          "noun.time",
          "verb.body",
          "verb.change",
          "verb.cognition",
          "verb.communication",
          "verb.competition",
          "verb.consumption",
          "verb.contact",
          "verb.creation",
          "verb.emotion",
          "verb.motion",
          "verb.perception",
          "verb.possession",
          "verb.social",
          "verb.stative",
          "verb.weather",
          "adj.ppl");

  private static final List<String> FILES =
      List.of("data.noun", "data.verb", "data.adj", "data.adv");

  private WordNetGlosses() {}

  /**
   * One synset's gloss.
   *
   * @param id {@code wn30-<pos><offset>}, unique across the four files
   * @param pos {@code n}, {@code v}, {@code a} (also satellite {@code s}) or {@code r}
   * @param lexName the lexicographer file, e.g. {@code noun.animal}
   * @param words the synset's words, underscores as in the database
   * @param definition the gloss without its quoted examples
   */
  public record Gloss(String id, char pos, String lexName, List<String> words, String definition) {}

  /** Every gloss of the four data files in {@code dir}, in file then offset order. */
  public static List<Gloss> read(Path dir) {
    List<Gloss> out = new ArrayList<>();
    for (String file : FILES) {
      Path path = dir.resolve(file);
      if (!Files.isRegularFile(path)) {
        throw new IllegalStateException(
            "WordNet data file "
                + path
                + " is missing: install Debian's wordnet-base (examples/scripts/fetch-datasets.sh)");
      }
      try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        String line;
        while ((line = in.readLine()) != null) {
          if (!line.startsWith("  ")) {
            out.add(parse(line));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** Parses one data line (package-private for tests). */
  static Gloss parse(String line) {
    int bar = line.indexOf(" | ");
    if (bar < 0) {
      throw new IllegalArgumentException("not a WordNet data line (no ' | '): " + abbreviate(line));
    }
    String[] f = line.substring(0, bar).trim().split(" ");
    String offset = f[0];
    int lexFile = Integer.parseInt(f[1]);
    char pos = f[2].charAt(0);
    int wordCount = Integer.parseInt(f[3], 16);
    List<String> words = new ArrayList<>(wordCount);
    for (int i = 0; i < wordCount; i++) {
      words.add(f[4 + 2 * i]);
    }
    String gloss = line.substring(bar + 3).trim();
    // Quoted usage examples follow the definition after "; " in most glosses.
    int quote = gloss.indexOf("; \"");
    String definition = (quote >= 0 ? gloss.substring(0, quote) : gloss).trim();
    char idPos = pos == 's' ? 'a' : pos;
    return new Gloss(
        "wn30-" + idPos + offset, pos, LEX_NAMES.get(lexFile), List.copyOf(words), definition);
  }

  private static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
