package io.driftgate.core.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordPieceTest {
  private static final List<String> CORPUS = corpus();

  /** A seeded corpus of short sentences with common stems and inflections. */
  private static List<String> corpus() {
    String[] subjects = {"the runner", "a walker", "the player", "my teacher", "our builder"};
    String[] verbs = {"runs", "running", "walked", "walking", "plays", "played", "teaches"};
    String[] objects = {"quickly", "slowly", "in the park", "at home", "with friends"};
    Random r = new Random(7);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      out.add(
          subjects[r.nextInt(subjects.length)]
              + " "
              + verbs[r.nextInt(verbs.length)]
              + " "
              + objects[r.nextInt(objects.length)]
              + ".");
    }
    return out;
  }

  @Test
  void trainingIsDeterministicBoundedAndKeepsFrequentWordsWhole() {
    WordPieceVocabulary v = WordPieceVocabulary.train(CORPUS, 120, 2);
    assertThat(v).isEqualTo(WordPieceVocabulary.train(CORPUS, 120, 2));
    assertThat(v.size()).isLessThanOrEqualTo(120);
    assertThat(v.tokens().subList(0, 5)).isEqualTo(WordPieceVocabulary.SPECIAL);
    assertThat(v.padId()).isZero();
    // The most frequent words are merged back into single tokens.
    assertThat(v.contains("the")).isTrue();
    assertThat(v.contains("park")).isTrue();
    // Continuation pieces carry the ## prefix, and every character of the corpus is there.
    assertThat(v.tokens()).anyMatch(t -> t.startsWith("##"));
    for (char c : "abcdefghiklmnoprstuwy.".toCharArray()) {
      assertThat(v.contains(String.valueOf(c)) || v.contains("##" + c)).as("%s", c).isTrue();
    }
  }

  @Test
  void aSmallVocabularySplitsWordsIntoPiecesThatRejoin() {
    WordPieceVocabulary v = WordPieceVocabulary.train(CORPUS, 40, 1);
    WordPieceTokenizer t = new WordPieceTokenizer(v);
    for (String word : List.of("running", "teaches", "friends", "walked")) {
      List<String> pieces = t.tokenize(word);
      assertThat(pieces).doesNotContain(WordPieceVocabulary.UNK);
      String joined = String.join("", pieces.stream().map(p -> p.replace("##", "")).toList());
      assertThat(joined).as("%s -> %s", word, pieces).isEqualTo(word);
      assertThat(pieces.subList(1, pieces.size())).allMatch(p -> p.startsWith("##"));
    }
  }

  @Test
  void greedyLongestMatchFirstAsBertDoes() {
    WordPieceVocabulary v =
        WordPieceVocabulary.of(
            List.of(
                "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "un", "unaff", "##aff", "##able",
                "##a", "##ff", "##ble"));
    WordPieceTokenizer t = new WordPieceTokenizer(v);
    assertThat(t.tokenize("unaffable")).containsExactly("unaff", "##able");
    // A character the vocabulary lacks makes the whole word one [UNK].
    assertThat(t.tokenize("unaffablez un")).containsExactly("[UNK]", "un");
    WordPieceTokenizer.WordStats stats = t.wordStats("unaffablez un xyz");
    assertThat(stats.words()).isEqualTo(3);
    assertThat(stats.unknownWords()).isEqualTo(2);
    assertThat(stats.unknownRate()).isEqualTo(2.0 / 3);
  }

  @Test
  void encodeAddsClsAndSepTruncatesAndPads() {
    WordPieceVocabulary v = WordPieceVocabulary.train(CORPUS, 200, 1);
    WordPieceTokenizer t = new WordPieceTokenizer(v);
    int cls = v.id("[CLS]");
    int sep = v.id("[SEP]");
    int[] shortIds = t.encode("the runner", 8);
    assertThat(shortIds).hasSize(8);
    assertThat(shortIds[0]).isEqualTo(cls);
    int sepAt = indexOf(shortIds, sep);
    assertThat(sepAt).isEqualTo(1 + t.tokenize("the runner").size());
    for (int i = sepAt + 1; i < 8; i++) {
      assertThat(shortIds[i]).isEqualTo(v.padId());
    }
    int[] cut = t.encode(String.join(" ", CORPUS.subList(0, 20)), 16);
    assertThat(cut).hasSize(16);
    assertThat(cut[15]).isEqualTo(sep);
    assertThat(cut).doesNotContain(v.padId());
    assertThatThrownBy(() -> t.encode("x", 1)).hasMessageContaining("no room");
  }

  @Test
  void savedVocabularyLoadsBackEqual(@TempDir Path dir) {
    WordPieceVocabulary v = WordPieceVocabulary.train(CORPUS, 80, 1);
    Path file = dir.resolve("vocab.txt");
    v.save(file);
    assertThat(WordPieceVocabulary.load(file)).isEqualTo(v);
  }

  @Test
  void aVocabularyWithoutSpecialTokensOrWithDuplicatesIsRefused() {
    assertThatThrownBy(() -> WordPieceVocabulary.of(List.of("a", "b")))
        .hasMessageContaining("special token");
    assertThatThrownBy(
            () ->
                WordPieceVocabulary.of(
                    List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "a")))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> WordPieceVocabulary.train(CORPUS, 5, 1))
        .hasMessageContaining("no room");
  }

  private static int indexOf(int[] a, int v) {
    for (int i = 0; i < a.length; i++) {
      if (a[i] == v) {
        return i;
      }
    }
    return -1;
  }
}
