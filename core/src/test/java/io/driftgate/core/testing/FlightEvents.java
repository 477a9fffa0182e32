package io.driftgate.core.testing;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;

/** Flight events (the example's record, reader schema v2) for tests of decoding and cleaning. */
public final class FlightEvents {
  private FlightEvents() {}

  /**
   * A FlightEvent that passes every rule of the example spec: ATL to SFO, 3,400 km, 08:00, 12
   * minutes late, clear, DL, delayed.
   *
   * @param schema the v2 schema (the example spec's reader schema, or testkit's FlightSchemas.v2)
   */
  public static GenericData.Record valid(Schema schema, String eventId, long eventTimeMillis) {
    GenericData.Record r = new GenericData.Record(schema);
    r.put("event_id", eventId);
    r.put("event_time", eventTimeMillis);
    r.put("origin", "ATL");
    r.put("destination", "SFO");
    r.put("distance_km", 3400.0);
    r.put("dep_hour", 8.0);
    r.put("dep_delay_min", 12.0);
    r.put("weather", "clear");
    r.put("carrier", "DL");
    r.put("delayed", 1);
    return r;
  }
}
