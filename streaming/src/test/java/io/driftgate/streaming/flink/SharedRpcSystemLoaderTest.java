package io.driftgate.streaming.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.rpc.RpcService;
import org.apache.flink.runtime.rpc.RpcSystem;
import org.junit.jupiter.api.Test;

class SharedRpcSystemLoaderTest {
  private final Configuration config = new Configuration();

  @Test
  void everyClusterGetsTheSameRpcSystemAndAClusterClosingItKeepsItLoaded() throws Exception {
    RpcSystem first = RpcSystem.load(config);
    first.close(); // what a cluster does when it shuts down
    RpcSystem second = RpcSystem.load(config);
    assertThat(second).isSameAs(first);
    // still usable after the close: builds and stops an RPC service
    RpcService service = second.localServiceBuilder(config).createAndStart();
    try {
      assertThat(service.getAddress()).isNotNull();
    } finally {
      service.stopService().get();
    }
    assertThat(second.getMaximumMessageSizeInBytes(config)).isPositive();
  }

  @Test
  void turnedOffFlinksOwnLoaderLoadsASystemPerCall() throws Exception {
    System.setProperty(SharedRpcSystemLoader.ENABLED_PROPERTY, "false");
    try {
      assertThatThrownBy(() -> new SharedRpcSystemLoader().loadRpcSystem(config))
          .hasMessageContaining(SharedRpcSystemLoader.ENABLED_PROPERTY + "=false");
      try (RpcSystem own = RpcSystem.load(config)) {
        assertThat(own.getClass().getName()).doesNotContain("SharedRpcSystemLoader");
      }
    } finally {
      System.clearProperty(SharedRpcSystemLoader.ENABLED_PROPERTY);
    }
  }
}
