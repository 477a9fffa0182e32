package io.driftgate.streaming.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.security.auth.callback.Callback;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GCP Managed Kafka login handler that a spec names in {@code
 * sasl.login.callback.handler.class} works on this module's runtime classpath (with the Google
 * client libraries Beam brings, not its own older ones): it loads as Kafka would load it and turns
 * service-account credentials into an OAUTHBEARER token, against a local stand-in for Google's
 * token endpoint.
 */
class GcpLoginHandlerClasspathTest {
  static final String HANDLER = "com.google.cloud.hosted.kafka.auth.GcpLoginCallbackHandler";

  @TempDir Path home;

  @Test
  void handlerLoadsAndLogsInWithServiceAccountCredentials() throws Exception {
    // Application default credentials: the env var wins over the well-known file used here.
    assumeThat(System.getenv("GOOGLE_APPLICATION_CREDENTIALS")).isNull();
    assumeThat(System.getenv("CLOUDSDK_CONFIG")).isNull();
    Class<?> type = Class.forName(HANDLER, true, getClass().getClassLoader());
    assertThat(AuthenticateCallbackHandler.class).isAssignableFrom(type);

    List<String> tokenRequests = new CopyOnWriteArrayList<>();
    HttpServer tokenServer =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    tokenServer.createContext(
        "/token",
        exchange -> {
          tokenRequests.add(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          byte[] body =
              "{\"access_token\":\"ya29.local-test\",\"expires_in\":3600,\"token_type\":\"Bearer\"}"
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    tokenServer.start();
    String oldHome = System.getProperty("user.home");
    try {
      writeServiceAccountKey(
          home.resolve(".config/gcloud/application_default_credentials.json"),
          "http://127.0.0.1:" + tokenServer.getAddress().getPort() + "/token");
      System.setProperty("user.home", home.toString());

      AuthenticateCallbackHandler handler =
          (AuthenticateCallbackHandler) type.getDeclaredConstructor().newInstance();
      handler.configure(Map.of(), OAuthBearerLoginModule.OAUTHBEARER_MECHANISM, List.of());
      OAuthBearerTokenCallback callback = new OAuthBearerTokenCallback();
      handler.handle(new Callback[] {callback});

      assertThat(callback.token()).isNotNull();
      assertThat(callback.token().principalName())
          .isEqualTo("driftgate@example.iam.gserviceaccount.com");
      assertThat(callback.token().scope()).containsExactly("kafka");
      assertThat(callback.token().lifetimeMs()).isGreaterThan(System.currentTimeMillis());
      String[] jwt = callback.token().value().split("\\.");
      assertThat(new String(Base64.getUrlDecoder().decode(jwt[1]), StandardCharsets.UTF_8))
          .contains("driftgate@example.iam.gserviceaccount.com");
      assertThat(new String(Base64.getUrlDecoder().decode(jwt[2]), StandardCharsets.UTF_8))
          .isEqualTo("ya29.local-test");
      assertThat(tokenRequests).singleElement().asString().contains("grant_type=");
      handler.close();
    } finally {
      System.setProperty("user.home", oldHome);
      tokenServer.stop(0);
    }
  }

  private static void writeServiceAccountKey(Path file, String tokenUri) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
    gen.initialize(2048);
    String pem =
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(gen.generateKeyPair().getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
    Files.createDirectories(file.getParent());
    Files.writeString(
        file,
        "{\"type\":\"service_account\",\"project_id\":\"driftgate-test\","
            + "\"private_key_id\":\"k1\",\"private_key\":\""
            + pem.replace("\n", "\\n")
            + "\",\"client_email\":\"driftgate@example.iam.gserviceaccount.com\","
            + "\"client_id\":\"1\",\"token_uri\":\""
            + tokenUri
            + "\"}");
  }
}
