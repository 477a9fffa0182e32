package io.driftgate.core.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * A WordPiece vocabulary (BERT's {@code vocab.txt}: one token per line, its line number its id; a
 * piece that continues a word starts with {@code ##}). No pretrained vocabulary can be downloaded
 * here, so {@link #train} builds one from the training split: the alphabet of the split, then the
 * most frequent adjacent pair of pieces merged, again and again (as Hugging Face's WordPiece
 * trainer does, through BPE merges), until the vocabulary is full or no pair is left that occurs
 * {@code minFrequency} times. Ties go to the lexicographically smallest merge, so the same split
 * always gives the same vocabulary. The vocabulary is saved with the model.
 */
public final class WordPieceVocabulary {
  public static final String PAD = "[PAD]";
  public static final String UNK = "[UNK]";
  public static final String CLS = "[CLS]";
  public static final String SEP = "[SEP]";
  public static final String MASK = "[MASK]";

  /** The special tokens, at ids 0..4 in every vocabulary this class trains. */
  public static final List<String> SPECIAL = List.of(PAD, UNK, CLS, SEP, MASK);

  public static final String CONTINUATION = "##";

  private final List<String> tokens;
  private final Map<String, Integer> ids;

  private WordPieceVocabulary(List<String> tokens) {
    this.tokens = List.copyOf(tokens);
    Map<String, Integer> m = new HashMap<>();
    for (int i = 0; i < this.tokens.size(); i++) {
      if (m.putIfAbsent(this.tokens.get(i), i) != null) {
        throw new IllegalArgumentException("token '" + this.tokens.get(i) + "' appears twice");
      }
    }
    for (String s : SPECIAL) {
      if (!m.containsKey(s)) {
        throw new IllegalArgumentException("vocabulary lacks the special token " + s);
      }
    }
    this.ids = m;
  }

  /** A vocabulary of exactly these tokens, in this order (special tokens must be among them). */
  public static WordPieceVocabulary of(List<String> tokens) {
    return new WordPieceVocabulary(tokens);
  }

  /**
   * Trains a vocabulary of at most {@code maxSize} tokens on {@code texts} (normalised and split by
   * {@link TextNormalizer#words}).
   */
  public static WordPieceVocabulary train(Iterable<String> texts, int maxSize, int minFrequency) {
    if (maxSize < SPECIAL.size() + 1) {
      throw new IllegalArgumentException(
          "maxSize "
              + maxSize
              + " leaves no room beside the "
              + SPECIAL.size()
              + " special tokens");
    }
    Map<String, Long> wordCounts = new TreeMap<>();
    for (String text : texts) {
      for (String w : TextNormalizer.words(text)) {
        wordCounts.merge(w, 1L, Long::sum);
      }
    }
    return new Trainer(wordCounts, maxSize, Math.max(1, minFrequency)).run();
  }

  public int size() {
    return tokens.size();
  }

  public int id(String token) {
    Integer id = ids.get(token);
    return id == null ? ids.get(UNK) : id;
  }

  public boolean contains(String token) {
    return ids.containsKey(token);
  }

  public String token(int id) {
    return tokens.get(id);
  }

  public List<String> tokens() {
    return tokens;
  }

  public int padId() {
    return ids.get(PAD);
  }

  public int unknownId() {
    return ids.get(UNK);
  }

  /** Writes {@code vocab.txt} (UTF-8, one token per line). */
  public void save(Path file) {
    try {
      Files.write(file, tokens, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the vocabulary " + file, e);
    }
  }

  /** Reads a {@code vocab.txt}, this class's or a pretrained BERT checkpoint's. */
  public static WordPieceVocabulary load(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
        lines.remove(lines.size() - 1);
      }
      return new WordPieceVocabulary(lines);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the vocabulary " + file, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WordPieceVocabulary v && tokens.equals(v.tokens);
  }

  @Override
  public int hashCode() {
    return Objects.hash(tokens);
  }

  /** BPE-style merges over the words' piece sequences, with incremental pair counts. */
  private static final class Trainer {
    private final int maxSize;
    private final int minFrequency;
    private final List<int[]> words = new ArrayList<>();
    private final List<Long> counts = new ArrayList<>();
    private final List<String> symbols = new ArrayList<>();
    private final Map<String, Integer> symbolIds = new HashMap<>();
    private final Map<Long, Long> pairCounts = new HashMap<>();
    private final Map<Long, Set<Integer>> pairWords = new HashMap<>();

    Trainer(Map<String, Long> wordCounts, int maxSize, int minFrequency) {
      this.maxSize = maxSize;
      this.minFrequency = minFrequency;
      // The alphabet first, in a fixed order: word-initial characters, then continuations.
      Map<String, Long> alphabet = new TreeMap<>();
      wordCounts.forEach(
          (w, c) -> {
            int i = 0;
            while (i < w.length()) {
              int cp = w.codePointAt(i);
              String ch = new String(Character.toChars(cp));
              alphabet.merge(i == 0 ? ch : CONTINUATION + ch, c, Long::sum);
              i += Character.charCount(cp);
            }
          });
      alphabet.keySet().forEach(this::symbol);
      wordCounts.forEach(
          (w, c) -> {
            List<Integer> seq = new ArrayList<>();
            int i = 0;
            while (i < w.length()) {
              int cp = w.codePointAt(i);
              String ch = new String(Character.toChars(cp));
              seq.add(symbolIds.get(i == 0 ? ch : CONTINUATION + ch));
              i += Character.charCount(cp);
            }
            words.add(seq.stream().mapToInt(Integer::intValue).toArray());
            counts.add(c);
          });
      for (int w = 0; w < words.size(); w++) {
        addPairs(w, +1);
      }
    }

    private int symbol(String s) {
      return symbolIds.computeIfAbsent(
          s,
          k -> {
            symbols.add(k);
            return symbols.size() - 1;
          });
    }

    private static long pair(int a, int b) {
      return ((long) a << 32) | (b & 0xffffffffL);
    }

    private void addPairs(int w, int sign) {
      int[] seq = words.get(w);
      long c = counts.get(w);
      for (int i = 0; i + 1 < seq.length; i++) {
        long p = pair(seq[i], seq[i + 1]);
        long n = pairCounts.merge(p, sign * c, Long::sum);
        if (n <= 0) {
          pairCounts.remove(p);
        }
        if (sign > 0) {
          pairWords.computeIfAbsent(p, k -> new HashSet<>()).add(w);
        }
      }
    }

    private String merged(long p) {
      String a = symbols.get((int) (p >>> 32));
      String b = symbols.get((int) p);
      return a + b.substring(CONTINUATION.length());
    }

    WordPieceVocabulary run() {
      // Special tokens + alphabet + merges, at most maxSize; the alphabet is cut if it alone is
      // larger (rare characters then become [UNK]).
      LinkedHashMap<String, Boolean> vocab = new LinkedHashMap<>();
      SPECIAL.forEach(s -> vocab.put(s, true));
      for (String s : symbols) {
        if (vocab.size() >= maxSize) {
          break;
        }
        vocab.putIfAbsent(s, true);
      }
      while (vocab.size() < maxSize) {
        long best = 0;
        long bestCount = 0;
        String bestMerged = null;
        for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
          long c = e.getValue();
          if (c < bestCount || c < minFrequency) {
            continue;
          }
          String m = merged(e.getKey());
          if (c > bestCount || m.compareTo(bestMerged) < 0) {
            best = e.getKey();
            bestCount = c;
            bestMerged = m;
          }
        }
        if (bestMerged == null) {
          break;
        }
        int a = (int) (best >>> 32);
        int b = (int) best;
        int m = symbol(bestMerged);
        vocab.putIfAbsent(bestMerged, true);
        List<Integer> affected = new ArrayList<>(pairWords.getOrDefault(best, Set.of()));
        Collections.sort(affected);
        for (int w : affected) {
          addPairs(w, -1);
          int[] seq = words.get(w);
          int[] out = new int[seq.length];
          int n = 0;
          for (int i = 0; i < seq.length; i++) {
            if (i + 1 < seq.length && seq[i] == a && seq[i + 1] == b) {
              out[n++] = m;
              i++;
            } else {
              out[n++] = seq[i];
            }
          }
          words.set(w, java.util.Arrays.copyOf(out, n));
          addPairs(w, +1);
        }
        pairCounts.remove(best);
        pairWords.remove(best);
      }
      return new WordPieceVocabulary(new ArrayList<>(vocab.keySet()));
    }
  }
}
