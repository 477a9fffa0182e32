package io.driftgate.core.registry;

import java.nio.file.Path;
import java.util.Map;

/** Entry point for {@link ConcurrentProcessesTest}: moves an alias N times in its own JVM. */
public final class LedgerWriterProcess {
  private LedgerWriterProcess() {}

  /** Args: root model actor count version... */
  public static void main(String[] args) {
    FileSystemModelRegistry registry = new FileSystemModelRegistry(Path.of(args[0]));
    int count = Integer.parseInt(args[3]);
    for (int i = 0; i < count; i++) {
      String version = args[4 + (i % (args.length - 4))];
      registry.moveAlias(args[1], "champion", version, args[2], "move " + i, Map.of("i", i));
    }
  }
}
