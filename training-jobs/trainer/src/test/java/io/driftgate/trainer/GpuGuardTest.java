package io.driftgate.trainer;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class GpuGuardTest {
  private static final String ENV = GpuGuard.GPUS_REQUIRED_ENV;

  @Test
  void failsWhenGpusWereRequestedButTheEngineSeesNone() {
    assertThatThrownBy(() -> GpuGuard.check(Map.of(ENV, "1"), () -> 0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("requested 1 GPU(s)")
        .hasMessageContaining("sees 0")
        .hasMessageContaining("Refusing to train on the CPU");
  }

  @Test
  void failsWhenFewerGpusAreVisibleThanRequested() {
    assertThatThrownBy(() -> GpuGuard.check(Map.of(ENV, "4"), () -> 2))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("requested 4 GPU(s)")
        .hasMessageContaining("sees 2");
  }

  @Test
  void passesWhenEnoughGpusAreVisible() {
    assertThatCode(() -> GpuGuard.check(Map.of(ENV, "2"), () -> 2)).doesNotThrowAnyException();
  }

  @Test
  void doesNotAskTheEngineWithoutAGpuRequest() {
    AtomicInteger asked = new AtomicInteger();
    GpuGuard.check(Map.of(), asked::incrementAndGet);
    GpuGuard.check(Map.of(ENV, "0"), asked::incrementAndGet);
    GpuGuard.check(Map.of(ENV, " "), asked::incrementAndGet);
    org.assertj.core.api.Assertions.assertThat(asked).hasValue(0);
  }

  @Test
  void refusesAMalformedRequest() {
    assertThatThrownBy(() -> GpuGuard.check(Map.of(ENV, "one"), () -> 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ENV);
    assertThatThrownBy(() -> GpuGuard.check(Map.of(ENV, "-1"), () -> 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theCpuTestProcessTrainsWithoutTheVariable() {
    // This JVM (CPU libtorch) has no request: the real entry point passes.
    org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(ENV) == null);
    assertThatCode(GpuGuard::requireRequestedGpus).doesNotThrowAnyException();
  }
}
