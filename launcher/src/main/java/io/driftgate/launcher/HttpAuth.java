package io.driftgate.launcher;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who may use the launcher's HTTP endpoint. A caller sends {@code Authorization: Bearer <token>};
 * the token is accepted when any configured check accepts it:
 *
 * <ul>
 *   <li>{@link #tokenFile}: it equals the token in a file (a Kubernetes Secret mounted as a
 *       volume), compared in constant time; the file is read on every check, so a rotated Secret
 *       applies without a restart.
 *   <li>{@link #tokenReview}: a Kubernetes {@code TokenReview} authenticates it (e.g. a service
 *       account token from {@code kubectl create token}) as a user or a member of a group on the
 *       allowed list.
 * </ul>
 *
 * {@link #none()} configures no check: the endpoint is then open to whoever reaches it (the
 * launcher binds the loopback address by default).
 */
public final class HttpAuth {
  /** Shortest static token accepted: shorter ones are guessable. */
  public static final int MIN_TOKEN_LENGTH = 16;

  /** How a check ended. */
  public enum Outcome {
    /** The token is good. */
    ACCEPTED,
    /** The token is wrong, or its owner is not allowed. */
    REJECTED,
    /** The check could not be made (the API server did not answer, the file is gone). */
    UNAVAILABLE
  }

  /**
   * @param subject who the token belongs to (accepted), else null
   * @param reason why it was not accepted, else null
   */
  public record Verdict(Outcome outcome, String subject, String reason) {
    public static Verdict accepted(String subject) {
      return new Verdict(Outcome.ACCEPTED, subject, null);
    }

    public static Verdict rejected(String reason) {
      return new Verdict(Outcome.REJECTED, null, reason);
    }

    public static Verdict unavailable(String reason) {
      return new Verdict(Outcome.UNAVAILABLE, null, reason);
    }

    public boolean accepted() {
      return outcome == Outcome.ACCEPTED;
    }
  }

  /** One way to check a bearer token. */
  public interface Check {
    Verdict check(String token);

    /** What it checks against, for the startup log (never the token). */
    String describe();
  }

  private final List<Check> checks;

  private HttpAuth(List<Check> checks) {
    this.checks = List.copyOf(checks);
  }

  /** No authentication. */
  public static HttpAuth none() {
    return new HttpAuth(List.of());
  }

  /** A token is accepted when any of {@code checks} accepts it. */
  public static HttpAuth anyOf(List<Check> checks) {
    return new HttpAuth(checks);
  }

  /** Whether any check is configured (else every caller is let in). */
  public boolean enabled() {
    return !checks.isEmpty();
  }

  public String describe() {
    return checks.isEmpty()
        ? "none"
        : String.join(" or ", checks.stream().map(Check::describe).toList());
  }

  /**
   * The first check that accepts {@code token}; else unavailable when a check could not be made
   * (the token may be good), else rejected.
   */
  public Verdict authenticate(String token) {
    Objects.requireNonNull(token, "token");
    List<String> unavailable = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    for (Check c : checks) {
      Verdict v = c.check(token);
      switch (v.outcome()) {
        case ACCEPTED -> {
          return v;
        }
        case UNAVAILABLE -> unavailable.add(v.reason());
        case REJECTED -> rejected.add(v.reason());
      }
    }
    if (!unavailable.isEmpty()) {
      return Verdict.unavailable(String.join("; ", unavailable));
    }
    return Verdict.rejected(
        rejected.isEmpty() ? "no check configured" : String.join("; ", rejected));
  }

  /**
   * The token in {@code file} (surrounding whitespace ignored), as a Kubernetes Secret mounted as a
   * volume holds it.
   *
   * @throws IllegalArgumentException when the file is missing, unreadable, or holds a token shorter
   *     than {@value #MIN_TOKEN_LENGTH} characters
   */
  public static Check tokenFile(Path file) {
    Objects.requireNonNull(file, "file");
    String first;
    try {
      first = read(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the token file " + file + ": " + e, e);
    }
    if (first.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "the token file "
              + file
              + " holds "
              + (first.isEmpty() ? "no token" : "a token of " + first.length() + " characters")
              + "; use at least "
              + MIN_TOKEN_LENGTH
              + " random characters (e.g. openssl rand -hex 32)");
    }
    return new Check() {
      @Override
      public Verdict check(String token) {
        String expected;
        try {
          expected = read(file);
        } catch (NoSuchFileException e) {
          return Verdict.unavailable("the token file " + file + " is gone");
        } catch (IOException e) {
          return Verdict.unavailable("cannot read the token file " + file + ": " + e);
        }
        if (expected.length() >= MIN_TOKEN_LENGTH && constantTimeEquals(token, expected)) {
          return Verdict.accepted("the holder of the token in " + file);
        }
        return Verdict.rejected("not the token of " + file);
      }

      @Override
      public String describe() {
        return "the bearer token in " + file;
      }
    };
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }

  /**
   * Equal strings, in a time that depends on neither where they differ nor their lengths (both are
   * hashed first, so only digests of one length are compared).
   */
  static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(sha256(a), sha256(b));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A Kubernetes {@code TokenReview} of the token through {@code client} (the launcher's service
   * account needs {@code create} on {@code tokenreviews.authentication.k8s.io}, e.g. a binding to
   * the {@code system:auth-delegator} ClusterRole). The token is accepted when it authenticates a
   * user named in {@code allowed} or a member of a group named there (e.g. {@code
   * system:serviceaccount:driftgate:ops} or {@code system:serviceaccounts:driftgate}).
   *
   * @param audiences audiences the token must be issued for (empty: the API server's)
   * @throws IllegalArgumentException when {@code allowed} is empty (any workload of the cluster
   *     could otherwise cancel runs)
   */
  public static Check tokenReview(
      KubernetesClient client, Set<String> allowed, List<String> audiences) {
    Objects.requireNonNull(client, "client");
    Set<String> who = new LinkedHashSet<>(allowed);
    who.removeIf(s -> s == null || s.isBlank());
    if (who.isEmpty()) {
      throw new IllegalArgumentException(
          "a TokenReview check needs the users or groups it lets in (e.g."
              + " system:serviceaccount:<namespace>:<name>); an empty list would let every"
              + " workload of the cluster in");
    }
    List<String> aud = List.copyOf(audiences);
    return new Check() {
      @Override
      public Verdict check(String token) {
        TokenReview answer;
        try {
          answer =
              client
                  .authentication()
                  .v1()
                  .tokenReviews()
                  .create(
                      new TokenReviewBuilder()
                          .withNewSpec()
                          .withToken(token)
                          .withAudiences(aud.isEmpty() ? null : aud)
                          .endSpec()
                          .build());
        } catch (RuntimeException e) {
          return Verdict.unavailable("the TokenReview failed: " + e.getMessage());
        }
        TokenReviewStatus status = answer == null ? null : answer.getStatus();
        if (status == null || !Boolean.TRUE.equals(status.getAuthenticated())) {
          String error = status == null ? null : status.getError();
          return Verdict.rejected(
              "the TokenReview did not authenticate the token"
                  + (error == null || error.isBlank() ? "" : " (" + error + ")"));
        }
        UserInfo user = status.getUser();
        String name = user == null ? null : user.getUsername();
        if (name != null && who.contains(name)) {
          return Verdict.accepted(name);
        }
        if (user != null && user.getGroups() != null) {
          for (String g : user.getGroups()) {
            if (who.contains(g)) {
              return Verdict.accepted(name + " (group " + g + ")");
            }
          }
        }
        return Verdict.rejected(
            name
                + " is authenticated, but not allowed (neither the user nor its groups are listed)");
      }

      @Override
      public String describe() {
        return "a Kubernetes TokenReview of " + String.join(", ", who);
      }
    };
  }
}
