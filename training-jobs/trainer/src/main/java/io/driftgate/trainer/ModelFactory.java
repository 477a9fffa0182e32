package io.driftgate.trainer;

import ai.djl.basicmodelzoo.basic.Mlp;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Named model architectures. Open: {@link #register} adds one (a text model, say) without touching
 * the trainer, which picks the architecture by the {@code model} training parameter.
 *
 * <p>Built in:
 *
 * <ul>
 *   <li>{@code mlp} (default, tabular): ReLU multi-layer perceptron, hidden sizes from param {@code
 *       hidden};
 *   <li>{@code cnn} (images, shape channels x height x width): two conv-BN-ReLU-maxpool stages (16
 *       and 32 filters), a 64-unit hidden layer and a linear head;
 *   <li>{@code resnet18} (images): ResNet-18 V1 (basic blocks [2, 2, 2, 2], filters 64-512) from
 *       DJL's {@code ResNetV1.residualUnit}s; images under 32 pixels get a 3x3 stem without
 *       down-sampling (DJL's own {@code ResNetV1} builder only offers 20+ layers for those).
 * </ul>
 */
public final class ModelFactory {

  /** Builds an uninitialized block. */
  @FunctionalInterface
  public interface Architecture {
    /**
     * @param inputShape shape of one sample (no batch axis)
     * @param outputs number of logits (1 for a binary task)
     * @param params training parameters (architecture options such as {@code hidden})
     */
    Block build(Shape inputShape, int outputs, TrainParams params);
  }

  /**
   * Every architecture name any factory registered in this JVM, with the modalities it fits: what
   * {@link TrainParams} validates {@code model} against. The built-ins are always here ({@code
   * bert}, the text model, is built by {@code TextTraining} once the vocabulary is known).
   */
  private static final Map<String, Set<Modality>> REGISTRY = new TreeMap<>();

  static {
    REGISTRY.put("mlp", EnumSet.of(Modality.TABULAR));
    REGISTRY.put("cnn", EnumSet.of(Modality.IMAGE));
    REGISTRY.put("resnet18", EnumSet.of(Modality.IMAGE));
    REGISTRY.put("bert", EnumSet.of(Modality.TEXT));
  }

  private final Map<String, Architecture> architectures = new TreeMap<>();

  /** A factory with the built-in architectures. */
  public static ModelFactory defaults() {
    return new ModelFactory()
        .register("mlp", EnumSet.of(Modality.TABULAR), ModelFactory::mlp)
        .register("cnn", EnumSet.of(Modality.IMAGE), ModelFactory::cnn)
        .register("resnet18", EnumSet.of(Modality.IMAGE), ModelFactory::resnet18);
  }

  /**
   * Adds or replaces an architecture; returns this. A name already registered in this JVM (a
   * built-in such as {@code bert}) keeps the modalities it fits, since only its builder changes; a
   * new name fits any modality.
   */
  public ModelFactory register(String name, Architecture architecture) {
    Set<Modality> known = modalities(name);
    return register(
        name,
        known.isEmpty() ? EnumSet.allOf(Modality.class) : EnumSet.copyOf(known),
        architecture);
  }

  /** Adds or replaces an architecture for the given modalities; returns this. */
  public synchronized ModelFactory register(
      String name, Set<Modality> modalities, Architecture architecture) {
    String key = name.toLowerCase(Locale.ROOT);
    architectures.put(key, Objects.requireNonNull(architecture, "architecture"));
    synchronized (REGISTRY) {
      REGISTRY.put(key, EnumSet.copyOf(modalities));
    }
    return this;
  }

  /** The architecture names registered in this JVM (built-ins included). */
  public static Set<String> registered() {
    synchronized (REGISTRY) {
      return Set.copyOf(REGISTRY.keySet());
    }
  }

  /** The modalities architecture {@code name} fits; empty when no factory registered it. */
  public static Set<Modality> modalities(String name) {
    synchronized (REGISTRY) {
      Set<Modality> m = REGISTRY.get(name.toLowerCase(Locale.ROOT));
      return m == null ? Set.of() : Set.copyOf(m);
    }
  }

  /** Names registered for {@code modality}, sorted. */
  public static java.util.SortedSet<String> registeredFor(Modality modality) {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    synchronized (REGISTRY) {
      REGISTRY.forEach(
          (k, v) -> {
            if (v.contains(modality)) {
              out.add(k);
            }
          });
    }
    return out;
  }

  /** Whether this factory can build {@code name}. */
  public synchronized boolean has(String name) {
    return architectures.containsKey(name.toLowerCase(Locale.ROOT));
  }

  public synchronized Set<String> names() {
    return Set.copyOf(architectures.keySet());
  }

  /** Builds architecture {@code name}. */
  public synchronized Block create(String name, Shape inputShape, int outputs, TrainParams params) {
    Architecture a = architectures.get(name.toLowerCase(Locale.ROOT));
    if (a == null) {
      throw new IllegalArgumentException(
          "unknown model '" + name + "'; known: " + architectures.keySet());
    }
    return a.build(inputShape, outputs, params);
  }

  static Block mlp(Shape inputShape, int outputs, TrainParams params) {
    return new Mlp(Math.toIntExact(inputShape.size()), outputs, params.hidden());
  }

  static Block cnn(Shape inputShape, int outputs, TrainParams params) {
    requireImage(inputShape, "cnn");
    SequentialBlock b = new SequentialBlock();
    for (int filters : new int[] {16, 32}) {
      b.add(
              Conv2d.builder()
                  .setKernelShape(new Shape(3, 3))
                  .optPadding(new Shape(1, 1))
                  .setFilters(filters)
                  .build())
          .add(BatchNorm.builder().build())
          .add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
    }
    return b.add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(64).build())
        .add(Activation.reluBlock())
        .add(Linear.builder().setUnits(outputs).build());
  }

  /** ResNet-18 (V1, basic blocks [2, 2, 2, 2], 64-512 filters) from DJL's residual units. */
  static Block resnet18(Shape inputShape, int outputs, TrainParams params) {
    requireImage(inputShape, "resnet18");
    float bnMomentum = 0.9f;
    int[] filters = {64, 128, 256, 512};
    SequentialBlock net = new SequentialBlock();
    if (inputShape.get(1) < 32) {
      // Small images (MNIST, CIFAR): 3x3 stem, no down-sampling before the first stage.
      net.add(
          Conv2d.builder()
              .setKernelShape(new Shape(3, 3))
              .optPadding(new Shape(1, 1))
              .setFilters(filters[0])
              .optBias(false)
              .build());
    } else {
      net.add(
              Conv2d.builder()
                  .setKernelShape(new Shape(7, 7))
                  .optStride(new Shape(2, 2))
                  .optPadding(new Shape(3, 3))
                  .setFilters(filters[0])
                  .optBias(false)
                  .build())
          .add(BatchNorm.builder().optMomentum(bnMomentum).build())
          .add(Activation.reluBlock())
          .add(Pool.maxPool2dBlock(new Shape(3, 3), new Shape(2, 2), new Shape(1, 1)));
    }
    for (int stage = 0; stage < filters.length; stage++) {
      int stride = stage == 0 ? 1 : 2;
      // The first unit of a stage changes width (and size) unless it is the first stage.
      net.add(
          ResNetV1.residualUnit(
              filters[stage], new Shape(stride, stride), stage == 0, false, bnMomentum));
      net.add(ResNetV1.residualUnit(filters[stage], new Shape(1, 1), true, false, bnMomentum));
    }
    return net.add(Pool.globalAvgPool2dBlock())
        .add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(outputs).build());
  }

  private static void requireImage(Shape s, String model) {
    if (s.dimension() != 3) {
      throw new IllegalArgumentException(
          model + " needs image input (channels, height, width), got " + s);
    }
  }
}
