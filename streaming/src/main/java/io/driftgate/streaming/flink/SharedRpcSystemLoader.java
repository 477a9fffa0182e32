package io.driftgate.streaming.flink;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ServiceLoader;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.AddressResolution;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.apache.flink.runtime.rpc.RpcSystemLoader;

/**
 * Loads Flink's RPC system once per process and hands the same one to every embedded cluster.
 *
 * <p>Flink 1.16's own loader ({@code AkkaRpcSystemLoader}) copies a 36 MB jar to a temporary file
 * and opens a new class loader over it on every call, and an embedded job calls it several times
 * (cluster, task manager, client): each ingestion job of a process loaded and JIT-compiled Flink's
 * Akka RPC classes (~1,830) again. The system itself keeps no per-cluster state (every cluster
 * builds its own RPC services from it), so one instance serves them all; it is closed, removing the
 * temporary jar, when the process ends.
 *
 * <p>Registered as a Flink {@code RpcSystemLoader} service. Flink takes the first loader on the
 * class path that succeeds, so where this one comes after Flink's (or {@code
 * -Ddriftgate.flink.sharedRpc=false} turns it off) Flink loads per call as before.
 */
public final class SharedRpcSystemLoader implements RpcSystemLoader {
  /** System property that turns the sharing off ({@code false}). */
  public static final String ENABLED_PROPERTY = "driftgate.flink.sharedRpc";

  private static RpcSystem shared;

  @Override
  public RpcSystem loadRpcSystem(Configuration config) {
    if (!Boolean.parseBoolean(System.getProperty(ENABLED_PROPERTY, "true"))) {
      throw new IllegalStateException(ENABLED_PROPERTY + "=false: Flink's own loader loads it");
    }
    synchronized (SharedRpcSystemLoader.class) {
      if (shared == null) {
        RpcSystem loaded = loadWithFlinksLoader(config);
        Runtime.getRuntime()
            .addShutdownHook(new Thread(loaded::close, "driftgate-flink-rpc-system-close"));
        shared = new Unclosable(loaded);
      }
      return shared;
    }
  }

  /** The first other loader that succeeds (Flink's {@code AkkaRpcSystemLoader}). */
  private static RpcSystem loadWithFlinksLoader(Configuration config) {
    RuntimeException failure = null;
    for (RpcSystemLoader loader : ServiceLoader.load(RpcSystemLoader.class)) {
      if (loader instanceof SharedRpcSystemLoader) {
        continue;
      }
      try {
        return loader.loadRpcSystem(config);
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    throw failure != null
        ? failure
        : new IllegalStateException(
            "no Flink RPC system on the class path (flink-rpc-akka-loader)");
  }

  /** The shared system: a cluster's shutdown closes it, which must not unload it for the next. */
  private static final class Unclosable implements RpcSystem {
    private final RpcSystem delegate;

    Unclosable(RpcSystem delegate) {
      this.delegate = delegate;
    }

    @Override
    public RpcServiceBuilder localServiceBuilder(Configuration configuration) {
      return delegate.localServiceBuilder(configuration);
    }

    @Override
    public RpcServiceBuilder remoteServiceBuilder(
        Configuration configuration, String externalAddress, String externalPortRange) {
      return delegate.remoteServiceBuilder(configuration, externalAddress, externalPortRange);
    }

    @Override
    public String getRpcUrl(
        String hostname,
        int port,
        String endpointName,
        AddressResolution addressResolution,
        Configuration config)
        throws UnknownHostException {
      return delegate.getRpcUrl(hostname, port, endpointName, addressResolution, config);
    }

    @Override
    public InetSocketAddress getInetSocketAddressFromRpcUrl(String url) throws Exception {
      return delegate.getInetSocketAddressFromRpcUrl(url);
    }

    @Override
    public long getMaximumMessageSizeInBytes(Configuration config) {
      return delegate.getMaximumMessageSizeInBytes(config);
    }

    @Override
    public void close() {
      // kept for the next cluster; the shutdown hook closes the loaded system
    }
  }
}
