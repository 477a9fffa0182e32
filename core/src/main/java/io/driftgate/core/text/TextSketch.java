package io.driftgate.core.text;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.List;

/**
 * What drift needs of a window of texts, in fixed space: how many texts and how many were empty, a
 * histogram of their length in words (bins doubling: 0, 1, 2–3, 4–7 … 1024+), the words the
 * vocabulary could not represent, and the tokens hashed into {@code buckets} counts (a hashed
 * vocabulary: no dictionary to agree on, new words still land in some bucket). Two sketches compare
 * by Jensen–Shannon distance on the token and length histograms ({@code
 * io.driftgate.core.drift.metrics.TokenDistance}, {@code TextLength}). Sketches of windows merge by
 * adding counts.
 */
public final class TextSketch {
  /** Upper bounds (exclusive) of the length bins; the last bin is open. */
  static final int[] LENGTH_BOUNDS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};

  private final int buckets;
  private final WordPieceTokenizer tokenizer;
  private final long[] tokens;
  private final long[] lengths = new long[LENGTH_BOUNDS.length + 1];
  private long texts;
  private long empty;
  private long words;
  private long unknownWords;

  /**
   * @param buckets hashed-vocabulary size (e.g. 1024)
   * @param tokenizer the model's WordPiece tokenizer, or null to hash whole words (no champion yet:
   *     then no word counts as unknown)
   */
  public TextSketch(int buckets, WordPieceTokenizer tokenizer) {
    if (buckets < 2) {
      throw new IllegalArgumentException("buckets must be >= 2: " + buckets);
    }
    this.buckets = buckets;
    this.tokenizer = tokenizer;
    this.tokens = new long[buckets];
  }

  public void add(String text) {
    texts++;
    List<String> ws = TextNormalizer.words(text);
    if (ws.isEmpty()) {
      empty++;
    }
    lengths[lengthBin(ws.size())]++;
    words += ws.size();
    if (tokenizer == null) {
      ws.forEach(w -> tokens[bucket(w, buckets)]++);
      return;
    }
    WordPieceTokenizer.WordStats stats = tokenizer.wordStats(text);
    unknownWords += stats.unknownWords();
    tokenizer.tokenize(text).forEach(t -> tokens[bucket(t, buckets)]++);
  }

  /** Adds {@code other}'s counts (same buckets). */
  public void merge(TextSketch other) {
    if (other.buckets != buckets) {
      throw new IllegalArgumentException("buckets differ: " + buckets + " vs " + other.buckets);
    }
    for (int i = 0; i < buckets; i++) {
      tokens[i] += other.tokens[i];
    }
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] += other.lengths[i];
    }
    texts += other.texts;
    empty += other.empty;
    words += other.words;
    unknownWords += other.unknownWords;
  }

  public long texts() {
    return texts;
  }

  public long empty() {
    return empty;
  }

  public double meanWords() {
    return texts == 0 ? 0 : (double) words / texts;
  }

  public double unknownRate() {
    return words == 0 ? 0 : (double) unknownWords / words;
  }

  public long[] tokenCounts() {
    return tokens.clone();
  }

  public long[] lengthCounts() {
    return lengths.clone();
  }

  public int buckets() {
    return buckets;
  }

  /** Writes the counts (not the tokenizer); {@link #read} reads them back. */
  public void write(DataOutput out) throws IOException {
    out.writeInt(buckets);
    for (long v : tokens) {
      out.writeLong(v);
    }
    out.writeInt(lengths.length);
    for (long v : lengths) {
      out.writeLong(v);
    }
    out.writeLong(texts);
    out.writeLong(empty);
    out.writeLong(words);
    out.writeLong(unknownWords);
  }

  /** Reads a sketch written by {@link #write}, with {@code tokenizer} for later additions. */
  public static TextSketch read(DataInput in, WordPieceTokenizer tokenizer) throws IOException {
    TextSketch s = new TextSketch(in.readInt(), tokenizer);
    for (int i = 0; i < s.tokens.length; i++) {
      s.tokens[i] = in.readLong();
    }
    int n = in.readInt();
    if (n != s.lengths.length) {
      throw new IOException("length bins " + n + ", expected " + s.lengths.length);
    }
    for (int i = 0; i < n; i++) {
      s.lengths[i] = in.readLong();
    }
    s.texts = in.readLong();
    s.empty = in.readLong();
    s.words = in.readLong();
    s.unknownWords = in.readLong();
    return s;
  }

  static int lengthBin(int words) {
    for (int i = 0; i < LENGTH_BOUNDS.length; i++) {
      if (words < LENGTH_BOUNDS[i]) {
        return i;
      }
    }
    return LENGTH_BOUNDS.length;
  }

  /** A stable bucket for {@code token}: String.hashCode (fixed by the JLS), mixed, modulo. */
  public static int bucket(String token, int buckets) {
    int h = token.hashCode() * 0x9E3779B9;
    h ^= h >>> 16;
    return Math.floorMod(h, buckets);
  }
}
