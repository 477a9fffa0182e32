package io.driftgate.core.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * BERT's WordPiece tokenization over a {@link WordPieceVocabulary}: each word of {@link
 * TextNormalizer#words} is split greedily into the longest pieces the vocabulary has (the first
 * piece plain, the rest {@code ##}-prefixed); a word that cannot be split, or is longer than {@code
 * maxWordChars}, becomes one {@code [UNK]}.
 */
public final class WordPieceTokenizer {
  private final WordPieceVocabulary vocabulary;
  private final int maxWordChars;

  public WordPieceTokenizer(WordPieceVocabulary vocabulary) {
    this(vocabulary, 100);
  }

  public WordPieceTokenizer(WordPieceVocabulary vocabulary, int maxWordChars) {
    this.vocabulary = Objects.requireNonNull(vocabulary, "vocabulary");
    this.maxWordChars = maxWordChars;
  }

  public WordPieceVocabulary vocabulary() {
    return vocabulary;
  }

  /** The pieces of {@code text}, without special tokens. */
  public List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    for (String word : TextNormalizer.words(text)) {
      pieces(word, out);
    }
    return out;
  }

  /** How {@code text} encodes: its words, and how many of them became {@code [UNK]}. */
  public record WordStats(int words, int unknownWords, int pieces) {
    /** The share of words the vocabulary could not represent (0 for an empty text). */
    public double unknownRate() {
      return words == 0 ? 0 : (double) unknownWords / words;
    }
  }

  public WordStats wordStats(String text) {
    int words = 0;
    int unknown = 0;
    int pieces = 0;
    List<String> buf = new ArrayList<>();
    for (String word : TextNormalizer.words(text)) {
      buf.clear();
      pieces(word, buf);
      words++;
      pieces += buf.size();
      if (buf.size() == 1 && buf.get(0).equals(WordPieceVocabulary.UNK)) {
        unknown++;
      }
    }
    return new WordStats(words, unknown, pieces);
  }

  /**
   * The model input for {@code text}: {@code [CLS] pieces… [SEP]}, cut to {@code length} (the
   * {@code [SEP]} kept) and padded with {@code [PAD]} (id 0 in vocabularies this project trains).
   */
  public int[] encode(String text, int length) {
    if (length < 2) {
      throw new IllegalArgumentException("length " + length + " has no room for [CLS] and [SEP]");
    }
    int[] ids = new int[length];
    Arrays.fill(ids, vocabulary.padId());
    ids[0] = vocabulary.id(WordPieceVocabulary.CLS);
    int n = 1;
    for (String piece : tokenize(text)) {
      if (n >= length - 1) {
        break;
      }
      ids[n++] = vocabulary.id(piece);
    }
    ids[n] = vocabulary.id(WordPieceVocabulary.SEP);
    return ids;
  }

  private void pieces(String word, List<String> out) {
    if (word.codePointCount(0, word.length()) > maxWordChars) {
      out.add(WordPieceVocabulary.UNK);
      return;
    }
    int start = 0;
    int mark = out.size();
    while (start < word.length()) {
      int end = word.length();
      String found = null;
      while (start < end) {
        String candidate = word.substring(start, end);
        if (start > 0) {
          candidate = WordPieceVocabulary.CONTINUATION + candidate;
        }
        if (vocabulary.contains(candidate)) {
          found = candidate;
          break;
        }
        end = word.offsetByCodePoints(end, -1);
      }
      if (found == null) {
        // Not representable: the whole word is one unknown token (as BERT does).
        out.subList(mark, out.size()).clear();
        out.add(WordPieceVocabulary.UNK);
        return;
      }
      out.add(found);
      start = end;
    }
  }
}
