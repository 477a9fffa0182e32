package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.driftgate.core.run.JdbcRejectedRequests;
import io.driftgate.core.run.RejectedRequest;
import io.driftgate.core.spec.SpecLoader;
import io.driftgate.core.state.StateDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code driftgate runs rejected}: the retrain requests the launcher dead-lettered. */
class RunsRejectedTest extends ConsoleCapture {
  @TempDir Path dir;

  @Test
  void listsRejectedRequestsAsATableAndAsJsonWithTheirBytes() throws Exception {
    Path spec =
        Files.writeString(dir.resolve("driftgate.yaml"), TinyLake.specFor(dir.resolve("lake")));
    String model = SpecLoader.load(spec).model();
    assertThat(Main.execute("runs", "rejected", "--spec", spec.toString())).isZero();
    assertThat(stdout()).contains("no rejected retrain requests for " + model);

    byte[] value = {0, (byte) 0xC3, 0x28, 7};
    new JdbcRejectedRequests(StateDatabase.open(SpecLoader.load(spec).state()))
        .record(
            new RejectedRequest(
                model + ".retrain-requests",
                2,
                41,
                model,
                "..".getBytes(StandardCharsets.UTF_8),
                value,
                RejectedRequest.Kind.INVALID_KEY,
                "idempotency key '..' is not a key",
                Instant.parse("2024-03-01T10:00:00Z"),
                Instant.parse("2024-03-01T10:00:01Z")));
    out.reset();
    assertThat(Main.execute("runs", "rejected", "--spec", spec.toString())).isZero();
    assertThat(stdout()).contains("INVALID_KEY", model + ".retrain-requests-2@41", "is not a key");

    out.reset();
    assertThat(Main.execute("runs", "rejected", "--json", "--spec", spec.toString())).isZero();
    JsonNode listed = new ObjectMapper().readTree(stdout());
    assertThat(listed).hasSize(1);
    JsonNode r = listed.get(0);
    assertThat(r.path("offset").asLong()).isEqualTo(41);
    assertThat(r.path("kind").asText()).isEqualTo("INVALID_KEY");
    assertThat(Base64.getDecoder().decode(r.path("value").asText())).isEqualTo(value);
    assertThat(
            new String(Base64.getDecoder().decode(r.path("key").asText()), StandardCharsets.UTF_8))
        .isEqualTo("..");
  }
}
