package io.driftgate.trainer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The outcome of {@link Trainer#run}.
 *
 * @param status why training ended
 * @param modelDir the model directory; holds only {@code training.json} when {@link
 *     Status#DIVERGED}
 * @param metrics validation metrics of the saved model (as in {@code metrics.json}); empty when
 *     diverged
 * @param epochsRun epochs trained
 * @param bestEpoch the epoch whose parameters were saved
 * @param history per-epoch metrics
 * @param trainRows rows in the training split
 * @param validationRows rows in the validation split
 * @param devices the DJL devices trained on
 * @param durationMillis wall time of the whole run
 */
public record TrainResult(
    Status status,
    Path modelDir,
    Map<String, Double> metrics,
    int epochsRun,
    int bestEpoch,
    List<Map<String, Double>> history,
    int trainRows,
    int validationRows,
    List<String> devices,
    long durationMillis) {

  /** Why training ended. */
  public enum Status {
    /** Ran every epoch. */
    COMPLETED,
    /** Validation loss stopped improving for {@code patience} epochs. */
    EARLY_STOPPED,
    /** The {@link EpochListener} returned false. */
    STOPPED_BY_LISTENER,
    /** A loss became NaN or infinite; no model was written. */
    DIVERGED
  }

  /** True when a usable model was written. */
  public boolean hasModel() {
    return status != Status.DIVERGED;
  }
}
