package io.driftgate.core.run;

import io.driftgate.core.spec.StateSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point for {@link JdbcRunStoreTest}: one "launcher" process that, once its peer is ready
 * too, creates a run and then adds {@code count} handles to it, one save each, reading the run
 * again whenever its copy was stale.
 *
 * <p>Args: url key actor count [property=value ...]. Prints {@code created=true|false}.
 */
public final class RunStoreProcess {
  private RunStoreProcess() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String key = args[1];
    String actor = args[2];
    int count = Integer.parseInt(args[3]);
    Map<String, String> props = new LinkedHashMap<>();
    for (int i = 4; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      props.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    JdbcRunStore store = JdbcRunStore.open(new StateSpec(url, props, null));
    // A barrier of files beside the test's logs: both processes race for the create.
    Path dir = Files.createDirectories(Path.of(System.getProperty("driftgate.barrier")));
    Files.writeString(dir.resolve("ready-" + actor + "-" + key.hashCode()), "");
    long until = System.nanoTime() + 60_000_000_000L;
    while (countReady(dir, key) < 2 && System.nanoTime() < until) {
      Thread.sleep(5);
    }
    RunMachine machine = new RunMachine(RunPolicy.defaults(), Clock.systemUTC());
    boolean created = store.create(machine.request(key, "m", RunMachineTest.request()));
    System.out.println("created=" + created);
    int stale = 0;
    for (int i = 0; i < count; i++) {
      while (true) {
        RetrainRun r = store.get(key).orElseThrow();
        try {
          store.save(r.withHandles(Map.of(actor + "-" + i, "done")));
          break;
        } catch (StaleRunException e) {
          stale++;
        }
      }
    }
    System.out.println("stale=" + stale);
  }

  private static long countReady(Path dir, String key) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("ready-") && n.endsWith("-" + key.hashCode()))
          .count();
    }
  }
}
