package io.driftgate.core.wire;

import io.driftgate.schemas.ErrorKind;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema without materializing it, so that decoding
 * failures are classified precisely and garbage never makes Avro allocate huge buffers: input that
 * ends early is {@link ErrorKind#TRUNCATED}; anything else that does not fit the schema (negative
 * lengths, bad union/enum indexes, over-long varints, trailing bytes) is {@link
 * ErrorKind#CORRUPT_BYTES}; a string that is not valid UTF-8 is {@link ErrorKind#INVALID_UTF8},
 * naming the top-level field it is in.
 */
final class BinaryShapeCheck {
  private static final int MAX_DEPTH = 256;
  private static final long MAX_ITEMS = 1L << 24;

  private final byte[] buf;
  private final int end;
  private int pos;
  private long items;
  private String field;

  private BinaryShapeCheck(byte[] buf, int pos, int end) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /** Checks that {@code buf[offset..]} holds exactly one value of {@code schema}. */
  static void check(Schema schema, byte[] buf, int offset) throws DecodeException {
    BinaryShapeCheck c = new BinaryShapeCheck(buf, offset, buf.length);
    c.value(schema, 0);
    if (c.pos != c.end) {
      throw new DecodeException(
          ErrorKind.CORRUPT_BYTES,
          (c.end - c.pos) + " trailing byte(s) after a complete record at body offset " + c.pos);
    }
  }

  private void value(Schema s, int depth) throws DecodeException {
    if (depth > MAX_DEPTH) {
      throw corrupt("schema nesting deeper than " + MAX_DEPTH);
    }
    switch (s.getType()) {
      case NULL:
        return;
      case BOOLEAN:
        {
          int b = take(1);
          if (buf[b] != 0 && buf[b] != 1) {
            throw corrupt("invalid boolean byte " + (buf[b] & 0xff));
          }
          return;
        }
      case INT:
        readInt();
        return;
      case LONG:
        readLong();
        return;
      case FLOAT:
        take(4);
        return;
      case DOUBLE:
        take(8);
        return;
      case STRING:
        {
          int len = length("string");
          int start = take(len);
          checkUtf8(start, len);
          return;
        }
      case BYTES:
        take(length("bytes"));
        return;
      case FIXED:
        take(s.getFixedSize());
        return;
      case ENUM:
        {
          int idx = readInt();
          if (idx < 0 || idx >= s.getEnumSymbols().size()) {
            throw corrupt("enum index " + idx + " out of range for " + s.getFullName());
          }
          return;
        }
      case ARRAY:
        blocks(s.getElementType(), null, depth);
        return;
      case MAP:
        blocks(s.getValueType(), Schema.create(Schema.Type.STRING), depth);
        return;
      case UNION:
        {
          int idx = readInt();
          if (idx < 0 || idx >= s.getTypes().size()) {
            throw corrupt(
                "union branch index " + idx + " out of range (" + s.getTypes().size() + ")");
          }
          value(s.getTypes().get(idx), depth + 1);
          return;
        }
      case RECORD:
        for (Schema.Field f : s.getFields()) {
          if (depth == 0) {
            field = f.name();
          }
          value(f.schema(), depth + 1);
        }
        return;
      default:
        throw corrupt("unsupported schema type " + s.getType());
    }
  }

  private void blocks(Schema item, Schema key, int depth) throws DecodeException {
    while (true) {
      long count = readLong();
      if (count == 0) {
        return;
      }
      if (count < 0) {
        if (count == Long.MIN_VALUE) {
          throw corrupt("invalid block count");
        }
        count = -count;
        long size = readLong();
        if (size < 0) {
          throw corrupt("negative block size " + size);
        }
      }
      items += count;
      if (items > MAX_ITEMS) {
        throw corrupt("more than " + MAX_ITEMS + " array/map items");
      }
      for (long i = 0; i < count; i++) {
        if (key != null) {
          value(key, depth + 1);
        }
        value(item, depth + 1);
      }
    }
  }

  private int length(String what) throws DecodeException {
    long len = readLong();
    if (len < 0) {
      throw corrupt("negative " + what + " length " + len);
    }
    if (len > end - pos) {
      throw truncated(what + " of " + len + " bytes but only " + (end - pos) + " left");
    }
    return (int) len;
  }

  /** Reserves {@code n} bytes and returns their start. */
  private int take(int n) throws DecodeException {
    if (n > end - pos) {
      throw truncated("needed " + n + " byte(s), " + (end - pos) + " left");
    }
    int start = pos;
    pos += n;
    return start;
  }

  private int readInt() throws DecodeException {
    long raw = varint(5);
    if (raw >>> 32 != 0) {
      throw corrupt("invalid int encoding");
    }
    int n = (int) raw;
    return (n >>> 1) ^ -(n & 1);
  }

  private long readLong() throws DecodeException {
    long raw = varint(10);
    return (raw >>> 1) ^ -(raw & 1);
  }

  private long varint(int maxBytes) throws DecodeException {
    long value = 0;
    for (int i = 0; i < maxBytes; i++) {
      if (pos >= end) {
        throw truncated("input ended inside a varint");
      }
      int b = buf[pos++] & 0xff;
      if (i == 9 && b > 1) {
        throw corrupt("invalid long encoding");
      }
      value |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw corrupt("varint longer than " + maxBytes + " bytes");
  }

  private void checkUtf8(int start, int len) throws DecodeException {
    for (int i = start; i < start + len; i++) {
      if (buf[i] < 0) {
        CharsetDecoder dec =
            StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
          dec.decode(ByteBuffer.wrap(buf, start, len));
        } catch (CharacterCodingException e) {
          throw new DecodeException(
              ErrorKind.INVALID_UTF8,
              "invalid UTF-8 in string"
                  + (field == null ? "" : " of field " + field)
                  + " at body offset "
                  + start);
        }
        return;
      }
    }
  }

  private static DecodeException corrupt(String msg) {
    return new DecodeException(ErrorKind.CORRUPT_BYTES, msg);
  }

  private static DecodeException truncated(String msg) {
    return new DecodeException(ErrorKind.TRUNCATED, "record ends early: " + msg);
  }
}
