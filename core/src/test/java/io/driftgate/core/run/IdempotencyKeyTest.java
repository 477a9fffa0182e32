package io.driftgate.core.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdempotencyKeyTest {

  @Test
  void keysThatWouldWalkOutOfAFolderOrCollideAreRefusedOrHashed() {
    for (String bad : List.of("", "..", ".", "a\nb", "a b", "x".repeat(201), "é")) {
      assertThatThrownBy(() -> IdempotencyKey.validate(bad, "--key"))
          .isInstanceOf(InvalidIdempotencyKeyException.class)
          .hasMessageStartingWith("--key: idempotency key")
          .hasMessageContaining("letters, digits");
    }
    assertThat(IdempotencyKey.validate("drift:flight-delay/2026-12-03T10:00Z", "k"))
        .isEqualTo("drift:flight-delay/2026-12-03T10:00Z");
    // Storage names: distinct for keys a character-replacing scheme would merge, and safe.
    Set<String> names = new HashSet<>();
    for (String k : List.of("a/b", "a_b", "a:b", "A/B", "a-b", "..x", ".x.")) {
      String n = IdempotencyKey.storageName(k);
      assertThat(n).matches("[a-z0-9-]+").doesNotContain("..").hasSizeLessThanOrEqualTo(57);
      names.add(n);
    }
    assertThat(names).hasSize(7);
    assertThat(IdempotencyKey.storageName("drift:flight-delay/2026-12-03"))
        .startsWith("drift-flight-delay-2026-12-03-");
    assertThat(IdempotencyKey.storageName("x".repeat(200))).hasSize(40 + 1 + 16);
  }
}
