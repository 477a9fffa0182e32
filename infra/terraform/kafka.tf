# Kafka: Google Cloud Managed Service for Apache Kafka in the cluster's VPC, with the spec's
# topics, or bring your own (var.kafka.mode = "external" and bootstrap_servers). Clients on
# managed Kafka authenticate with their Workload Identity service account (SASL_SSL).

locals {
  managed_kafka = var.kafka.mode == "managed"
  kafka_bootstrap_servers = local.managed_kafka ? (
    "bootstrap.${var.name}-kafka.${var.region}.managedkafka.${var.project_id}.cloud.goog:9092"
  ) : trimspace(var.kafka.bootstrap_servers)
  # Client properties of every driftgate Kafka client on the managed cluster (helm_values):
  # SASL_SSL with OAUTHBEARER, the token from the pod's Workload Identity through Google's login
  # callback handler (managed-kafka-auth-login-handler, shipped in the images).
  managed_kafka_client_properties = {
    "security.protocol"                 = "SASL_SSL"
    "sasl.mechanism"                    = "OAUTHBEARER"
    "sasl.login.callback.handler.class" = "com.google.cloud.hosted.kafka.auth.GcpLoginCallbackHandler"
    "sasl.jaas.config"                  = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;"
  }
}

resource "google_managed_kafka_cluster" "this" {
  count      = local.managed_kafka ? 1 : 0
  project    = var.project_id
  cluster_id = "${var.name}-kafka"
  location   = var.region
  labels     = var.labels

  capacity_config {
    vcpu_count   = var.kafka.vcpu_count
    memory_bytes = var.kafka.memory_gib * 1024 * 1024 * 1024
  }

  gcp_config {
    access_config {
      network_configs {
        subnet = google_compute_subnetwork.nodes.id
      }
    }
  }

  rebalance_config {
    mode = "AUTO_REBALANCE_ON_SCALE_UP"
  }
}

resource "google_managed_kafka_topic" "this" {
  for_each           = local.managed_kafka ? var.kafka_topics : {}
  project            = var.project_id
  location           = var.region
  cluster            = google_managed_kafka_cluster.this[0].cluster_id
  topic_id           = each.key
  partition_count    = each.value.partitions
  replication_factor = each.value.replication

  configs = {
    "cleanup.policy" = "delete"
    "retention.ms"   = tostring(each.value.retention_ms)
  }
}
