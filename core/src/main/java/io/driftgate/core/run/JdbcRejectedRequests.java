package io.driftgate.core.run;

import io.driftgate.core.state.StateDatabase;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * {@link RejectedRequests} in the state database ({@code dg_rejected_requests}, one row per Kafka
 * record, keyed by topic, partition and offset).
 */
public final class JdbcRejectedRequests implements RejectedRequests {
  private final StateDatabase db;

  public JdbcRejectedRequests(StateDatabase db) {
    this.db = Objects.requireNonNull(db, "db");
  }

  @Override
  public boolean record(RejectedRequest r) {
    return db.transaction(
        c -> {
          try (PreparedStatement s =
              c.prepareStatement(
                  "INSERT INTO dg_rejected_requests (source_topic, source_partition,"
                      + " source_offset, model, original_key, original_bytes, error_kind, message,"
                      + " source_ms, rejected_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                      + " ON CONFLICT (source_topic, source_partition, source_offset) DO NOTHING")) {
            s.setString(1, r.topic());
            s.setInt(2, r.partition());
            s.setLong(3, r.offset());
            s.setString(4, r.model());
            byte[] key = r.originalKey();
            if (key == null) {
              s.setNull(5, Types.BINARY);
            } else {
              s.setBytes(5, key);
            }
            s.setBytes(6, r.originalBytes());
            s.setString(7, r.kind().name());
            s.setString(8, r.message());
            s.setLong(9, r.sourceTimestamp().toEpochMilli());
            s.setLong(10, r.rejectedAt().toEpochMilli());
            return s.executeUpdate() == 1;
          }
        });
  }

  @Override
  public List<RejectedRequest> list(String model) {
    return db.transaction(
        c -> {
          List<RejectedRequest> out = new ArrayList<>();
          try (PreparedStatement s =
              c.prepareStatement(
                  "SELECT source_topic, source_partition, source_offset, original_key,"
                      + " original_bytes, error_kind, message, source_ms, rejected_ms"
                      + " FROM dg_rejected_requests WHERE model = ?"
                      + " ORDER BY rejected_ms, source_topic, source_partition, source_offset")) {
            s.setString(1, model);
            try (ResultSet rs = s.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new RejectedRequest(
                        rs.getString(1),
                        rs.getInt(2),
                        rs.getLong(3),
                        model,
                        rs.getBytes(4),
                        rs.getBytes(5),
                        RejectedRequest.Kind.valueOf(rs.getString(6)),
                        rs.getString(7),
                        Instant.ofEpochMilli(rs.getLong(8)),
                        Instant.ofEpochMilli(rs.getLong(9))));
              }
            }
          }
          return out;
        });
  }
}
