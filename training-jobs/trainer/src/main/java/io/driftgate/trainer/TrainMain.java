package io.driftgate.trainer;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Command line of the training entrypoint:
 *
 * <pre>
 * TrainMain --spec driftgate.yaml --lake LAKE --from 2024-01-01T00:00:00Z --to 2024-01-02T00:00:00Z
 *           --out MODEL_DIR [--snapshot ID] [--metadata-location FILE] [--seed N] [--param k=v]...
 * </pre>
 *
 * {@code --from}/{@code --to} take ISO instants or epoch millis. {@code --snapshot} pins the lake
 * snapshot (default: the current one when training starts); {@code --metadata-location} reads the
 * records table from that metadata file without the catalog ({@code --lake} is then optional).
 * Prints the validation metrics as JSON. Exit status: 0 trained, 2 diverged, 64 bad usage, 1 other
 * errors (and 3 for the {@code fault=crash} test hook).
 */
public final class TrainMain {
  private TrainMain() {}

  public static void main(String[] args) {
    int status;
    try {
      status = run(args);
    } catch (IllegalArgumentException e) {
      System.err.println("driftgate train: " + e.getMessage());
      status = 64;
    } catch (RuntimeException e) {
      System.err.println("driftgate train: failed: " + e);
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  /** Runs with {@code args}; returns the exit status. */
  static int run(String[] args) {
    TrainRequest.Builder b = TrainRequest.builder();
    Map<String, String> params = new LinkedHashMap<>();
    String from = null;
    String to = null;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + a + "\n" + usage());
      }
      String v = args[++i];
      switch (a) {
        case "--spec" -> b.setSpec(Path.of(v));
        case "--lake" -> b.setLake(Path.of(v));
        case "--from" -> from = v;
        case "--to" -> to = v;
        case "--out" -> b.setOutputDir(Path.of(v));
        case "--snapshot" -> b.optSnapshot(snapshot(v));
        case "--metadata-location" -> b.optMetadataLocation(v);
        case "--seed" -> b.optSeed(Long.parseLong(v));
        case "--param" -> {
          int eq = v.indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--param needs k=v, got " + v);
          }
          params.put(v.substring(0, eq), v.substring(eq + 1));
        }
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
      }
    }
    if (from == null || to == null) {
      throw new IllegalArgumentException("--from and --to are required\n" + usage());
    }
    b.setRange(instant(from), instant(to)).optParams(params);
    TrainRequest request;
    try {
      request = b.build();
    } catch (NullPointerException e) {
      throw new IllegalArgumentException(e.getMessage() + "\n" + usage());
    }
    TrainResult r = Trainer.run(request);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("status", r.status().name());
    out.put("modelDir", r.modelDir().toString());
    out.put("epochsRun", r.epochsRun());
    out.put("bestEpoch", r.bestEpoch());
    out.put("trainRows", r.trainRows());
    out.put("validationRows", r.validationRows());
    out.put("devices", r.devices());
    out.put("durationMillis", r.durationMillis());
    out.put("metrics", r.metrics());
    try {
      System.out.println(Trainer.JSON.writeValueAsString(out));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return r.hasModel() ? 0 : 2;
  }

  static long snapshot(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--snapshot: not a lake snapshot id: " + s);
    }
  }

  static Instant instant(String s) {
    try {
      return s.chars().allMatch(Character::isDigit)
          ? Instant.ofEpochMilli(Long.parseLong(s))
          : Instant.parse(s);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not an instant: " + s);
    }
  }

  static String usage() {
    return "usage: TrainMain --spec FILE --lake DIR --from INSTANT --to INSTANT --out DIR"
        + " [--snapshot ID] [--metadata-location FILE] [--seed N] [--param k=v]...";
  }
}
