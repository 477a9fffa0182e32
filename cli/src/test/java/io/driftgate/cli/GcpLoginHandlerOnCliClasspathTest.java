package io.driftgate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.junit.jupiter.api.Test;

/**
 * The CLI image ships the GCP Managed Kafka login handler: it loads and initialises (its static
 * JSON factory and Kafka's token class resolve) on the CLI's classpath. Streaming's
 * GcpLoginHandlerClasspathTest logs in with it.
 */
class GcpLoginHandlerOnCliClasspathTest {
  @Test
  void handlerLoadsAsKafkaWouldLoadIt() throws Exception {
    Class<?> type =
        Class.forName(
            "com.google.cloud.hosted.kafka.auth.GcpLoginCallbackHandler",
            true,
            getClass().getClassLoader());
    assertThat(AuthenticateCallbackHandler.class).isAssignableFrom(type);
    // Classes the token path needs; a missing or incompatible one would only fail at login.
    for (String needed :
        new String[] {
          "org.apache.kafka.common.security.oauthbearer.internals.secured.BasicOAuthBearerToken",
          "com.google.api.client.googleapis.auth.oauth2.GoogleIdToken",
          "com.google.auth.oauth2.IdTokenCredentials",
          "com.google.auth.oauth2.ImpersonatedCredentials",
          "com.google.common.collect.ImmutableSet"
        }) {
      assertThat(Class.forName(needed, false, getClass().getClassLoader())).isNotNull();
    }
  }
}
