package io.driftgate.core.wire;

import java.util.Arrays;
import java.util.stream.Collectors;

/** How record values are framed on the Kafka topic. */
public enum WireFormat {
  /** Avro single-object encoding: 0xC3 0x01, 8-byte CRC-64-AVRO schema fingerprint, body. */
  SINGLE_OBJECT("single-object"),
  /** Confluent wire format: magic byte 0, 4-byte big-endian schema id, body. */
  CONFLUENT("confluent");

  private final String configName;

  WireFormat(String configName) {
    this.configName = configName;
  }

  /** The name used in driftgate.yaml and on the command line. */
  public String configName() {
    return configName;
  }

  /** Parses a config name; returns null when unknown so the caller can report the key. */
  public static WireFormat fromConfigName(String name) {
    for (WireFormat f : values()) {
      if (f.configName.equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  /** The accepted config names, for error messages. */
  public static String allowedNames() {
    return Arrays.stream(values()).map(WireFormat::configName).collect(Collectors.joining(", "));
  }
}
