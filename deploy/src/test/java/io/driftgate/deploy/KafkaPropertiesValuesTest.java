package io.driftgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * kafka.properties (helm/driftgate/ci/gcp-kafka-values.yaml: GCP Managed Kafka) end up in the
 * spec's source.kafka.properties, which every driftgate Kafka client applies; the default values
 * add none.
 */
class KafkaPropertiesValuesTest {
  @Test
  void gcpManagedKafkaPropertiesReachTheSpec() throws Exception {
    Map<String, Object> spec = RenderedChartTest.renderedSpec(RenderedManifests.load("gcp-kafka"));
    @SuppressWarnings("unchecked")
    Map<String, Object> kafka = (Map<String, Object>) ((Map<?, ?>) spec.get("source")).get("kafka");
    assertThat(kafka.get("bootstrapServers"))
        .isEqualTo("bootstrap.driftgate.europe-west1.managedkafka.my-project.cloud.goog:9092");
    assertThat(kafka.get("properties"))
        .asInstanceOf(
            org.assertj.core.api.InstanceOfAssertFactories.map(String.class, Object.class))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "OAUTHBEARER",
                "sasl.login.callback.handler.class",
                    "com.google.cloud.hosted.kafka.auth.GcpLoginCallbackHandler",
                "sasl.jaas.config",
                    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule"
                        + " required;"));
  }

  @Test
  void defaultValuesAddNoProperties() throws Exception {
    Map<String, Object> spec = RenderedChartTest.renderedSpec(RenderedManifests.load("default"));
    @SuppressWarnings("unchecked")
    Map<String, Object> kafka = (Map<String, Object>) ((Map<?, ?>) spec.get("source")).get("kafka");
    assertThat(kafka).doesNotContainKey("properties");
  }
}
