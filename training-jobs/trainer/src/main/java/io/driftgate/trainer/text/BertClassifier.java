package io.driftgate.trainer.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.transformer.BertBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A small BERT encoder (DJL's {@link BertBlock}: token, type and position embeddings, then
 * transformer encoder blocks) with a classification head, trained from scratch: no pretrained
 * weights can be downloaded here ({@link BertCheckpoint} loads one when a path is given).
 *
 * <p>Input: one row of token ids per sample ({@code [CLS] … [SEP]} then {@code [PAD]} = 0, as
 * {@code WordPieceTokenizer.encode} makes them), as floats like every trainer input. The padding
 * mask and the (single-segment) type ids are derived here. The head reads the mean of the encoder's
 * outputs over the non-padding positions, not the block's own pooled output: DJL's pooler takes
 * position 1 rather than {@code [CLS]} at 0, and squeezes the batch axis away for a batch of one.
 */
public final class BertClassifier extends AbstractBlock {
  private static final byte VERSION = 1;

  private final Sizes sizes;
  private final int sequenceLength;
  private final int embedding;
  private final BertBlock encoder;
  private final Linear head;

  /**
   * What fixes the encoder's parameter shapes: saved beside a model ({@link TextTraining}) and in a
   * checkpoint ({@link BertCheckpoint}) as properties, so a model loads back with the sizes it was
   * built with (a fine-tuned checkpoint's, not the run's parameters).
   */
  public record Sizes(
      int vocabularySize, int sequenceLength, int embedding, int layers, int heads) {
    public Sizes {
      if (vocabularySize < 1 || sequenceLength < 1 || embedding < 1 || layers < 1 || heads < 1) {
        throw new IllegalArgumentException(
            "BERT sizes must be positive: vocabularySize="
                + vocabularySize
                + ", sequenceLength="
                + sequenceLength
                + ", embedding="
                + embedding
                + ", layers="
                + layers
                + ", heads="
                + heads);
      }
    }

    /** The sizes as properties ({@code vocabularySize}, {@code sequenceLength}, ...). */
    public java.util.Properties toProperties() {
      java.util.Properties p = new java.util.Properties();
      p.setProperty("vocabularySize", Integer.toString(vocabularySize));
      p.setProperty("sequenceLength", Integer.toString(sequenceLength));
      p.setProperty("embedding", Integer.toString(embedding));
      p.setProperty("layers", Integer.toString(layers));
      p.setProperty("heads", Integer.toString(heads));
      return p;
    }

    /**
     * Reads {@link #toProperties}' keys.
     *
     * @param where the file, for the message when a key is missing or not a whole number
     */
    public static Sizes fromProperties(java.util.Properties p, Object where) {
      return new Sizes(
          intOf(p, "vocabularySize", where),
          intOf(p, "sequenceLength", where),
          intOf(p, "embedding", where),
          intOf(p, "layers", where),
          intOf(p, "heads", where));
    }

    private static int intOf(java.util.Properties p, String key, Object where) {
      String v = p.getProperty(key);
      if (v == null) {
        throw new IllegalArgumentException(where + " lacks " + key);
      }
      try {
        return Integer.parseInt(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            where + ": " + key + "=" + v + " is not a whole number", e);
      }
    }
  }

  /** A classifier of the given sizes with {@code outputs} logits (1 for a binary task). */
  public BertClassifier(Sizes sizes, int outputs) {
    this(
        sizes.vocabularySize(),
        sizes.sequenceLength(),
        sizes.embedding(),
        sizes.layers(),
        sizes.heads(),
        outputs);
  }

  /**
   * @param vocabularySize tokens in the vocabulary (the embedding table's rows)
   * @param sequenceLength ids per sample (the position table's rows)
   * @param embedding width of every token vector (a multiple of {@code heads})
   * @param layers transformer blocks
   * @param heads attention heads per block
   * @param outputs logits (1 for a binary task)
   */
  public BertClassifier(
      int vocabularySize, int sequenceLength, int embedding, int layers, int heads, int outputs) {
    super(VERSION);
    this.sizes = new Sizes(vocabularySize, sequenceLength, embedding, layers, heads);
    if (embedding % heads != 0) {
      throw new IllegalArgumentException(
          "embedding " + embedding + " is not a multiple of heads " + heads);
    }
    this.sequenceLength = sequenceLength;
    this.embedding = embedding;
    this.encoder =
        addChildBlock(
            "encoder",
            BertBlock.builder()
                .setTokenDictionarySize(vocabularySize)
                .optTypeDictionarySize(2)
                .optEmbeddingSize(embedding)
                .optTransformerBlockCount(layers)
                .optAttentionHeadCount(heads)
                .optHiddenSize(4 * embedding)
                .optHiddenDropoutProbability(0.1f)
                .optMaxSequenceLength(sequenceLength)
                .build());
    this.head = addChildBlock("head", Linear.builder().setUnits(outputs).build());
  }

  /**
   * The {@code bert} architecture for a vocabulary of {@code vocabularySize} tokens, to register
   * with {@link io.driftgate.trainer.ModelFactory#register} once the vocabulary is built: samples
   * of shape {@code (sequenceLength)}; sizes from the {@code embedding}, {@code layers} and {@code
   * heads} training parameters.
   */
  public static io.driftgate.trainer.ModelFactory.Architecture architecture(int vocabularySize) {
    return (inputShape, outputs, params) -> {
      if (inputShape.dimension() != 1) {
        throw new IllegalArgumentException(
            "model bert takes one row of token ids per sample, got sample shape " + inputShape);
      }
      return new BertClassifier(
          vocabularySize,
          Math.toIntExact(inputShape.get(0)),
          params.embedding(),
          params.layers(),
          params.heads(),
          outputs);
    };
  }

  public int sequenceLength() {
    return sequenceLength;
  }

  /** The sizes this classifier was built with. */
  public Sizes sizes() {
    return sizes;
  }

  /** The encoder (its token embedding is what a pretrained checkpoint fills). */
  public BertBlock encoder() {
    return encoder;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray ids = inputs.head().toType(DataType.INT64, false);
    NDArray mask = ids.neq(0);
    NDArray types = ids.zerosLike();
    NDArray sequence = encoder.forward(ps, new NDList(ids, types, mask), training).head();
    // Mean over the real tokens: (B, L, E) * (B, L, 1), summed over L, / count.
    NDArray weights = mask.toType(DataType.FLOAT32, false).expandDims(2);
    NDArray pooled =
        sequence.mul(weights).sum(new int[] {1}).div(weights.sum(new int[] {1}).maximum(1f));
    return head.forward(ps, new NDList(pooled), training);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return head.getOutputShapes(new Shape[] {new Shape(inputShapes[0].get(0), embedding)});
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape ids = inputShapes[0];
    if (ids.dimension() != 2 || ids.get(1) != sequenceLength) {
      throw new IllegalArgumentException(
          "bert takes (batch, " + sequenceLength + ") token ids, got " + ids);
    }
    encoder.initialize(manager, dataType, ids, ids, ids);
    head.initialize(manager, dataType, new Shape(ids.get(0), embedding));
  }
}
