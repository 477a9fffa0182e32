package io.driftgate.core.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Language-agnostic text normalisation, the same for validation, drift and training: Unicode NFKC
 * (full-width and compatibility forms fold to their plain letters), lower case (root locale),
 * control and format characters dropped, every run of white space one space, trimmed.
 *
 * <p>{@link #words} then splits the normalised text the way BERT's basic tokenizer does: on white
 * space, and every punctuation or symbol character becomes a word of its own; a CJK ideograph is a
 * word of its own too, since those scripts put no spaces between words.
 */
public final class TextNormalizer {
  private TextNormalizer() {}

  /** The normalised form of {@code text} (never null; empty for null). */
  public static String normalize(String text) {
    if (text == null || text.isEmpty()) {
      return "";
    }
    String nfkc = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder out = new StringBuilder(nfkc.length());
    boolean space = false;
    for (int i = 0; i < nfkc.length(); ) {
      int cp = nfkc.codePointAt(i);
      i += Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        space = out.length() > 0;
        continue;
      }
      int type = Character.getType(cp);
      if (type == Character.CONTROL
          || type == Character.FORMAT
          || type == Character.UNASSIGNED
          || type == Character.PRIVATE_USE
          || type == Character.SURROGATE) {
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      out.appendCodePoint(cp);
    }
    return out.toString();
  }

  /** The words of the normalised {@code text}: split on spaces, punctuation split off. */
  public static List<String> words(String text) {
    String norm = normalize(text);
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < norm.length(); ) {
      int cp = norm.codePointAt(i);
      i += Character.charCount(cp);
      if (cp == ' ') {
        flush(word, words);
      } else if (isPunctuation(cp) || isIdeograph(cp)) {
        flush(word, words);
        words.add(new String(Character.toChars(cp)));
      } else {
        word.appendCodePoint(cp);
      }
    }
    flush(word, words);
    return words;
  }

  private static void flush(StringBuilder word, List<String> words) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }

  static boolean isPunctuation(int cp) {
    int type = Character.getType(cp);
    return switch (type) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION,
          Character.MATH_SYMBOL,
          Character.CURRENCY_SYMBOL,
          Character.MODIFIER_SYMBOL,
          Character.OTHER_SYMBOL ->
          true;
      default -> false;
    };
  }

  static boolean isIdeograph(int cp) {
    return Character.isIdeographic(cp);
  }
}
