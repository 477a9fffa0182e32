package io.driftgate.core.ingest;

import io.driftgate.core.image.ImageDecoder;
import io.driftgate.core.spec.FeatureSpec;
import io.driftgate.core.spec.ImageOptions;
import io.driftgate.core.spec.TextOptions;
import io.driftgate.core.text.TextNormalizer;
import io.driftgate.schemas.ErrorKind;
import io.driftgate.schemas.Stage;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.avro.util.Utf8;

/**
 * The validation rules of image and text features (part of {@link RecordCleaner}). Each returns the
 * value to store in the lake row or a {@link CleanResult.Rejected}.
 *
 * <p>Image (a non-null value of an Avro {@code bytes} field), in this order:
 *
 * <ol>
 *   <li>more than {@code image.maxBytes} bytes: {@code IMAGE_TOO_LARGE};
 *   <li>an encoding not in {@code image.formats} (PNG and JPEG by their magic bytes, anything else
 *       is a raw tensor): {@code IMAGE_FORMAT};
 *   <li>empty, a raw tensor of another length than {@code channels x height x width}, or PNG/JPEG
 *       bytes that do not decode: {@code IMAGE_UNDECODABLE};
 *   <li>another size with {@code image.resize: reject}, or another channel count without {@code
 *       image.convertChannels}: {@code IMAGE_SHAPE}.
 * </ol>
 *
 * The lake keeps the bytes as they arrived (training and drift decode them with the same rules).
 *
 * <p>Text (a non-null value of an Avro {@code string} field), in this order:
 *
 * <ol>
 *   <li>bytes that are not UTF-8 (a decoded record never has them: the decoder rejects them first
 *       with the same kind): {@code INVALID_UTF8};
 *   <li>more than {@code text.maxLength} characters (code points, before normalisation): {@code
 *       TOO_LONG};
 *   <li>empty after normalisation: {@code text.onEmpty} {@code reject} gives {@code EMPTY_TEXT};
 *       {@code null} stores null (a required feature gives {@code EMPTY_TEXT}); {@code allow}
 *       stores it.
 * </ol>
 *
 * The lake keeps the text normalised per {@code text.normalize}.
 */
final class UnstructuredRules {
  private UnstructuredRules() {}

  /** The bytes to store, or why the image is refused. */
  static Object image(FeatureSpec f, Object raw) {
    ImageOptions o = f.image();
    byte[] bytes;
    if (raw instanceof ByteBuffer b) {
      ByteBuffer d = b.duplicate();
      bytes = new byte[d.remaining()];
      d.get(bytes);
    } else if (raw instanceof byte[] a) {
      bytes = a;
    } else {
      return CleanResult.rejected(
          ErrorKind.INTERNAL,
          Stage.PREPROCESS,
          f.name(),
          f.name() + " has type " + raw.getClass().getSimpleName() + "; expected bytes");
    }
    if (bytes.length > o.maxBytes()) {
      return reject(
          ErrorKind.IMAGE_TOO_LARGE,
          f,
          f.name() + " has " + bytes.length + " bytes; image.maxBytes is " + o.maxBytes());
    }
    if (bytes.length == 0) {
      return reject(ErrorKind.IMAGE_UNDECODABLE, f, f.name() + " is empty (0 bytes)");
    }
    ImageOptions.Format format = ImageOptions.Format.sniff(bytes);
    if (!o.formats().contains(format)) {
      return reject(
          ErrorKind.IMAGE_FORMAT,
          f,
          f.name()
              + (format == ImageOptions.Format.RAW
                  ? " is neither PNG nor JPEG (first bytes " + hex(bytes) + ")"
                  : " is " + format.configName())
              + "; image.formats accepts "
              + String.join(
                  ", ", o.formats().stream().map(ImageOptions.Format::configName).toList()));
    }
    if (format == ImageOptions.Format.RAW) {
      if (bytes.length != o.tensorSize()) {
        return reject(
            ErrorKind.IMAGE_UNDECODABLE,
            f,
            f.name()
                + " is neither PNG/JPEG nor a raw tensor: "
                + bytes.length
                + " bytes, a raw "
                + o.channels()
                + "x"
                + o.height()
                + "x"
                + o.width()
                + " tensor has "
                + o.tensorSize());
      }
      return ByteBuffer.wrap(bytes);
    }
    try {
      o.decoder().decode(bytes);
    } catch (ImageDecoder.RejectedImage e) {
      ErrorKind kind =
          switch (e.problem()) {
            case TOO_LARGE -> ErrorKind.IMAGE_TOO_LARGE;
            case WRONG_SIZE, WRONG_CHANNELS -> ErrorKind.IMAGE_SHAPE;
            case EMPTY, UNDECODABLE -> ErrorKind.IMAGE_UNDECODABLE;
          };
      String why = String.valueOf(e.getMessage());
      if (kind == ErrorKind.IMAGE_SHAPE) {
        why =
            why.replace("rule exact; use resize to scale", "image.resize is reject")
                .replace("allow conversion to accept it", "image.convertChannels is false");
      }
      why = why.length() > 200 ? why.substring(0, 200) + "..." : why;
      return reject(kind, f, f.name() + " (" + format.configName() + "): " + why);
    }
    return ByteBuffer.wrap(bytes);
  }

  /** The text to store (null allowed), or why it is refused. */
  static Object text(FeatureSpec f, Object raw) {
    TextOptions o = f.text();
    if (!(raw instanceof CharSequence cs)) {
      return CleanResult.rejected(
          ErrorKind.INTERNAL,
          Stage.PREPROCESS,
          f.name(),
          f.name() + " has type " + raw.getClass().getSimpleName() + "; expected a string");
    }
    if (cs instanceof Utf8 u && !validUtf8(u)) {
      return reject(
          ErrorKind.INVALID_UTF8,
          f,
          f.name() + " holds " + u.getByteLength() + " bytes that are not UTF-8");
    }
    String s = cs.toString();
    if (RecordCleaner.longerThan(s, o.maxLength())) {
      return reject(
          ErrorKind.TOO_LONG,
          f,
          f.name()
              + " = \""
              + RecordCleaner.shorten(s)
              + "\" has "
              + s.codePointCount(0, s.length())
              + " characters; text.maxLength is "
              + o.maxLength());
    }
    if (TextNormalizer.normalize(s).isEmpty()) {
      String what =
          f.name()
              + (s.isEmpty()
                  ? " is empty"
                  : " has no visible characters (" + s.length() + " chars)");
      switch (o.onEmpty()) {
        case REJECT -> {
          return reject(ErrorKind.EMPTY_TEXT, f, what + "; text.onEmpty is reject");
        }
        case NULL -> {
          if (f.required()) {
            return reject(
                ErrorKind.EMPTY_TEXT,
                f,
                what + "; text.onEmpty: null makes it null, but " + f.name() + " is required");
          }
          return null;
        }
        case ALLOW -> {
          // stored below
        }
      }
    }
    return o.normalize().apply(s);
  }

  private static boolean validUtf8(Utf8 u) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(u.getBytes(), 0, u.getByteLength()));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static String hex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(4, b.length); i++) {
      sb.append(String.format("%02x", b[i] & 0xff));
    }
    return sb.toString();
  }

  private static CleanResult.Rejected reject(ErrorKind kind, FeatureSpec f, String message) {
    return CleanResult.rejected(kind, Stage.VALIDATE, f.name(), message);
  }
}
