package io.driftgate.launcher;

import io.driftgate.core.registry.JdbcModelRegistry;
import io.driftgate.core.spec.LauncherConfig;
import io.driftgate.core.spec.ModelSpec;
import io.driftgate.core.state.StateDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Locale;
import java.util.Optional;

/**
 * A launcher as {@link LauncherFactory} assembled it, with what it was assembled from and what
 * closes with it (the local loop's steps, the Kubernetes client).
 */
public final class AssembledLauncher implements AutoCloseable {
  private final ModelSpec spec;
  private final LauncherConfig config;
  private final StateDatabase state;
  private final JdbcModelRegistry registry;
  private final Launcher launcher;
  private final Backend backend;
  private final LocalLoop local;
  private final KubernetesClient client;

  AssembledLauncher(
      ModelSpec spec,
      LauncherConfig config,
      StateDatabase state,
      JdbcModelRegistry registry,
      Launcher launcher,
      Backend backend,
      LocalLoop local,
      KubernetesClient client) {
    this.spec = spec;
    this.config = config;
    this.state = state;
    this.registry = registry;
    this.launcher = launcher;
    this.backend = backend;
    this.local = local;
    this.client = client;
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The launcher settings it runs with (the backend after any override). */
  public LauncherConfig config() {
    return config;
  }

  /** The state database of its runs, leases and endpoints. */
  public StateDatabase state() {
    return state;
  }

  /** The registry it promotes into. */
  public JdbcModelRegistry registry() {
    return registry;
  }

  public Launcher launcher() {
    return launcher;
  }

  /** The backend the factory chose: local, Kubernetes Jobs or Katib. */
  public Backend backend() {
    return backend;
  }

  /** The local backend's loop (its steps and run store); empty on a cluster backend. */
  public Optional<LocalLoop> local() {
    return Optional.ofNullable(local);
  }

  /** The cluster's client; empty on the local backend. */
  public Optional<KubernetesClient> kubernetes() {
    return Optional.ofNullable(client);
  }

  /** The backend's name as the spec spells it (local, kubernetes, katib). */
  public String backendName() {
    return config.backend().name().toLowerCase(Locale.ROOT);
  }

  @Override
  public void close() {
    try {
      if (local != null) {
        local.close();
      } else {
        launcher.close();
      }
    } finally {
      if (client != null) {
        client.close();
      }
    }
  }
}
