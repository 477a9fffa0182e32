package io.driftgate.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import ai.djl.training.loss.Loss;

/**
 * Sigmoid cross-entropy on logits, mean over the batch: {@code softplus(x) - x * y}, which equals
 * DJL's {@code SigmoidBinaryCrossEntropyLoss} ({@code relu(x) - x * y + softplus(-|x|)}) but takes
 * three element-wise ops instead of seven. On small networks the loss graph is a good part of a
 * training step (each op is a native call forward and a node backward), so this is the trainer's
 * binary loss. Stable for large {@code |x|}: libtorch's softplus returns {@code x} above 20 and
 * {@code exp(x)} far below 0.
 */
public final class BinaryLogitLoss extends Loss {

  public BinaryLogitLoss() {
    super("SigmoidBinaryCrossEntropyLoss");
  }

  @Override
  public NDArray evaluate(NDList label, NDList prediction) {
    NDArray logits = prediction.singletonOrThrow();
    NDArray y = label.singletonOrThrow();
    if (!y.getShape().equals(logits.getShape())) {
      y = y.reshape(logits.getShape());
    }
    return Activation.softPlus(logits).sub(logits.mul(y)).mean();
  }
}
