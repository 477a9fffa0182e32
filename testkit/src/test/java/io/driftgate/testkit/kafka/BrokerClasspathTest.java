package io.driftgate.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BrokerClasspathTest {
  @Test
  void theTestkitsOwnClasspathHasTheBroker() {
    assertThat(BrokerClasspath.present()).isTrue();
  }

  @Test
  void anAbsentBrokerClassReadsAsAbsent() {
    assertThat(BrokerClasspath.present("kafka.server.NoSuchBroker")).isFalse();
  }
}
