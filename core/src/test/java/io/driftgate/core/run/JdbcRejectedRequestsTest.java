package io.driftgate.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftgate.core.state.StateDatabase;
import io.driftgate.core.testing.RealPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rejected retrain requests on both state databases: kept whole (key and value bytes as read,
 * binary-safe), once per Kafka record however often the launcher re-reads it, and listed per model
 * in the order they were rejected.
 */
class JdbcRejectedRequestsTest {
  @TempDir Path dir;

  private StateDatabase database(String dialect) throws Exception {
    if (dialect.equals("sqlite")) {
      return StateDatabase.open("jdbc:sqlite:" + dir.resolve("state.db"), Map.of());
    }
    RealPostgres pg = RealPostgres.shared();
    return StateDatabase.open(
        pg.newDatabase(), Map.of("user", pg.user(), "password", pg.password()));
  }

  private static RejectedRequest rejected(
      String model,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      RejectedRequest.Kind kind,
      long at) {
    return new RejectedRequest(
        "flight-delay.retrain-requests",
        partition,
        offset,
        model,
        key,
        value,
        kind,
        "reason " + offset,
        Instant.ofEpochMilli(1_000 + offset),
        Instant.ofEpochMilli(at));
  }

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "postgresql"})
  void keepsEachRejectedRecordOnceWithItsBytesAsRead(String dialect) throws Exception {
    JdbcRejectedRequests store = new JdbcRejectedRequests(database(dialect));
    // Every byte value, a null key, an empty value: nothing is re-encoded on the way.
    byte[] allBytes = new byte[256];
    for (int i = 0; i < allBytes.length; i++) {
      allBytes[i] = (byte) i;
    }
    RejectedRequest binary =
        rejected("flight-delay", 0, 7, null, allBytes, RejectedRequest.Kind.UNDECODABLE, 30);
    RejectedRequest badKey =
        rejected(
            "flight-delay",
            1,
            8,
            "../x".getBytes(StandardCharsets.UTF_8),
            new byte[0],
            RejectedRequest.Kind.INVALID_KEY,
            10);
    RejectedRequest other =
        rejected("churn", 0, 9, null, new byte[] {1}, RejectedRequest.Kind.UNDECODABLE, 20);

    assertThat(store.record(binary)).isTrue();
    assertThat(store.record(badKey)).isTrue();
    assertThat(store.record(other)).isTrue();
    // The launcher re-reads a record after a restart: the same topic/partition/offset again.
    assertThat(
            store.record(
                rejected(
                    "flight-delay",
                    0,
                    7,
                    null,
                    new byte[] {9},
                    RejectedRequest.Kind.UNDECODABLE,
                    99)))
        .isFalse();

    List<RejectedRequest> listed = store.list("flight-delay");
    assertThat(listed).extracting(RejectedRequest::offset).containsExactly(8L, 7L);
    RejectedRequest first = listed.get(1);
    assertThat(first.originalBytes()).isEqualTo(allBytes);
    assertThat(first.originalKey()).isNull();
    assertThat(first.kind()).isEqualTo(RejectedRequest.Kind.UNDECODABLE);
    assertThat(first.message()).isEqualTo("reason 7");
    assertThat(first.sourceTimestamp()).isEqualTo(Instant.ofEpochMilli(1_007));
    assertThat(first.rejectedAt()).isEqualTo(Instant.ofEpochMilli(30));
    RejectedRequest second = listed.get(0);
    assertThat(new String(second.originalKey(), StandardCharsets.UTF_8)).isEqualTo("../x");
    assertThat(second.originalBytes()).isEmpty();
    assertThat(second.kind()).isEqualTo(RejectedRequest.Kind.INVALID_KEY);
    assertThat(store.list("churn"))
        .singleElement()
        .extracting(RejectedRequest::offset)
        .isEqualTo(9L);
    assertThat(store.list("nobody")).isEmpty();
  }
}
