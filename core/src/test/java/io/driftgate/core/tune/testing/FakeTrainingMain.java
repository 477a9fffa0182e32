package io.driftgate.core.tune.testing;

import io.driftgate.core.tune.TrialContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real trial program for the tuner tests: a deterministic toy "training" whose validation loss at
 * epoch e is (lr − 0.1)² + (momentum − 0.9)² + 1/e. It appends a line to {@code <trial>/runs} on
 * every start (a run counter).
 *
 * <p>Parameters: {@code lr}, {@code momentum}, {@code epochs} (default 5), {@code epochMs} (sleep
 * per epoch, default 20), {@code failAt} (epoch of the misbehaviour, default 2), and {@code
 * behaviour} or {@code behaviour.<trial index>}:
 *
 * <ul>
 *   <li>{@code crash}: exits with code 3 at {@code failAt}, without a status;
 *   <li>{@code hang}: stops heartbeating at {@code failAt} and sleeps forever;
 *   <li>{@code slow}: keeps heartbeating from {@code failAt} on but never finishes;
 *   <li>{@code nan}: reports a NaN loss through the context at {@code failAt};
 *   <li>{@code nan-silent}: writes a NaN loss line to metrics.jsonl by hand at {@code failAt} and
 *       carries on heartbeating forever, as a trial that does not notice;
 *   <li>{@code ignore-stop}: never looks at the stop request, keeps training;
 *   <li>{@code slow-first-run}: {@code slow} on the trial's first start, normal after.
 * </ul>
 */
public final class FakeTrainingMain {
  private FakeTrainingMain() {}

  public static double loss(double lr, double momentum, int epoch) {
    return (lr - 0.1) * (lr - 0.1) + (momentum - 0.9) * (momentum - 0.9) + 1.0 / epoch;
  }

  public static void main(String[] args) throws Exception {
    TrialContext ctx = TrialContext.fromArgs(args);
    Path runsFile = ctx.trialDir().resolve("runs");
    Files.writeString(
        runsFile,
        ProcessHandle.current().pid() + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    double lr = ctx.doubleParam("lr", 0.1);
    double momentum = ctx.doubleParam("momentum", 0.9);
    int epochs = ctx.intParam("epochs", 5);
    long epochMs = ctx.intParam("epochMs", 20);
    int failAt = ctx.intParam("failAt", 2);
    String behaviour = ctx.param("behaviour." + ctx.index(), ctx.param("behaviour", "normal"));

    Map<String, Double> metrics = new LinkedHashMap<>();
    double last = Double.NaN; // the objective as last reported
    for (int epoch = 1; epoch <= epochs; epoch++) {
      Thread.sleep(epochMs);
      if (epoch == failAt) {
        switch (behaviour) {
          case "crash" -> System.exit(3);
          case "hang" -> Thread.sleep(Long.MAX_VALUE);
          case "slow" -> {
            while (true) {
              ctx.heartbeat();
              Thread.sleep(100);
            }
          }
          case "nan-silent" -> {
            Files.writeString(
                ctx.trialDir().resolve("metrics.jsonl"),
                "{\"epoch\":" + epoch + ",\"time\":0,\"metrics\":{\"val_loss\":\"NaN\"}}\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
            while (true) {
              ctx.heartbeat();
              Thread.sleep(100);
            }
          }
          default -> {}
        }
      }
      double loss = loss(lr, momentum, epoch);
      if (epoch == failAt && behaviour.equals("nan")) {
        loss = Double.NaN;
      }
      metrics = new LinkedHashMap<>();
      metrics.put("val_loss", loss);
      metrics.put("val_auc", 1.0 - loss / 4);
      metrics.put("train_loss", loss * 0.9);
      last = metrics.getOrDefault(ctx.objectiveName(), Double.NaN);
      boolean go = ctx.reportEpoch(epoch, metrics);
      if (!go && !behaviour.equals("ignore-stop")) {
        break;
      }
    }
    ctx.complete(last, metrics);
  }
}
