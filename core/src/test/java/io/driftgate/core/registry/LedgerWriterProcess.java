package io.driftgate.core.registry;

import io.driftgate.core.state.ArtifactStore;
import io.driftgate.core.state.StateDatabase;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Entry point for {@link RegistryConcurrencyTest}: in its own JVM, promotes and rolls back an alias
 * N times on a shared database and artifact folder, printing how many entries it wrote.
 */
public final class LedgerWriterProcess {
  private LedgerWriterProcess() {}

  /** Args: url user password artifacts cache model actor count seed version... */
  public static void main(String[] args) {
    Map<String, String> props = new HashMap<>();
    if (!args[1].isEmpty()) {
      props.put("user", args[1]);
      props.put("password", args[2]);
    }
    JdbcModelRegistry registry =
        new JdbcModelRegistry(
            StateDatabase.open(args[0], props),
            ArtifactStore.open(args[3]),
            Clock.systemUTC(),
            Path.of(args[4]));
    String model = args[5];
    String actor = args[6];
    int count = Integer.parseInt(args[7]);
    Random random = new Random(Long.parseLong(args[8]));
    List<String> versions = List.of(args).subList(9, args.length);
    int written = 0;
    for (int i = 0; i < count; i++) {
      if (random.nextInt(3) == 0) {
        if (registry.rollback(model, "champion", actor, "rollback " + i).isPresent()) {
          written++;
        }
      } else {
        String v = versions.get(random.nextInt(versions.size()));
        registry.moveAlias(model, "champion", v, actor, "move " + i, Map.of("i", i));
        written++;
      }
    }
    System.out.println("written " + written);
  }
}
