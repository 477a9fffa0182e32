package io.driftgate.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.testing.MutableClock;
import io.driftgate.core.testing.StateBackend;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class EndpointsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(StateBackend.class)
  void aPublicationIsReplacedByTheNextAndWithdrawnOnlyByItsHolder(StateBackend backend) {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-06T00:00:00Z"));
    Endpoints endpoints = new Endpoints(backend.open(dir), clock);
    String name = Endpoints.launcher("flight-delay");
    assertThat(name).isEqualTo("launcher/flight-delay");
    assertThat(endpoints.lookup(name)).isEmpty();
    endpoints.publish(name, URI.create("http://127.0.0.1:8080"), "host:1");
    assertThat(endpoints.lookup(name).orElseThrow())
        .isEqualTo(
            new Endpoints.Published(
                name, URI.create("http://127.0.0.1:8080"), "host:1", clock.instant()));
    clock.advance(java.time.Duration.ofSeconds(3));
    endpoints.publish(name, URI.create("http://127.0.0.1:9090"), "host:2"); // a successor
    assertThat(endpoints.withdraw(name, "host:1")).isFalse();
    assertThat(endpoints.lookup(name).orElseThrow().url())
        .isEqualTo(URI.create("http://127.0.0.1:9090"));
    assertThat(endpoints.lookup("launcher/other")).isEmpty();
    assertThat(endpoints.withdraw(name, "host:2")).isTrue();
    assertThat(endpoints.lookup(name)).isEmpty();
  }
}
