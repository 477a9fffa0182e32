# Outputs: what the Helm release, the workflows and operators need. helm_values is ready to pass
# to `helm upgrade --install -f -`.

locals {
  gpu_accelerators = distinct([for p in var.gpu_pools : p.accelerator_type])
}

output "cluster_name" {
  description = "GKE cluster name."
  value       = google_container_cluster.this.name
}

output "cluster_location" {
  description = "GKE cluster location (region when regional, zone when zonal)."
  value       = google_container_cluster.this.location
}

output "get_credentials_command" {
  description = "gcloud command that writes a kubeconfig entry for the cluster (DNS-based endpoint when cluster.dns_endpoint)."
  value       = "gcloud container clusters get-credentials ${google_container_cluster.this.name} --location ${google_container_cluster.this.location} --project ${var.project_id}${var.cluster.dns_endpoint ? " --dns-endpoint" : ""}"
}

output "workload_pool" {
  description = "Workload Identity pool of the cluster (PROJECT.svc.id.goog)."
  value       = local.workload_pool
}

output "lake_bucket" {
  description = "GCS bucket of the Parquet lake (gs:// URL)."
  value       = google_storage_bucket.lake.url
}

output "registry_bucket" {
  description = "GCS bucket of the model registry (gs:// URL)."
  value       = google_storage_bucket.registry.url
}

output "state_bucket" {
  description = "GCS bucket for Flink checkpoints and savepoints (gs:// URL)."
  value       = google_storage_bucket.state.url
}

output "image_repository" {
  description = "Artifact Registry prefix for the images: REGION-docker.pkg.dev/PROJECT/REPOSITORY."
  value       = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
}

output "service_accounts" {
  description = "Google service account emails per component, for the Workload Identity annotations."
  value = {
    ingest   = google_service_account.ingest.email
    launcher = google_service_account.launcher.email
    trainer  = google_service_account.trainer.email
  }
}

output "gpu_pools" {
  description = "GPU node pools in the launcher's order of preference: node pool name, accelerator, zones, spot."
  value = [
    for p in var.gpu_pools : {
      pool             = p.name
      node_pool        = google_container_node_pool.gpu[p.name].name
      accelerator_type = p.accelerator_type
      zones            = google_container_node_pool.gpu[p.name].node_locations
      spot             = p.spot
    }
  ]
}

output "kafka_bootstrap_servers" {
  description = "Kafka bootstrap servers: the managed cluster's bootstrap address, or the external servers given."
  value       = local.kafka_bootstrap_servers
}

output "github_workload_identity_provider" {
  description = "Full name of the GitHub WIF provider, for the GCP_WORKLOAD_IDENTITY_PROVIDER repository variable (null without var.github)."
  value       = var.github == null ? null : google_iam_workload_identity_pool_provider.github[0].name
}

output "ci_service_account" {
  description = "Service account GitHub Actions impersonates, for the GCP_SERVICE_ACCOUNT repository variable (null without var.github)."
  value       = var.github == null ? null : google_service_account.ci[0].email
}

output "database_instance" {
  description = "Cloud SQL instance connection name (PROJECT:REGION:INSTANCE) of the state database, for the chart's Cloud SQL Auth Proxy sidecar."
  value       = google_sql_database_instance.state.connection_name
}

output "database_private_ip" {
  description = "Private IP of the Cloud SQL instance in the VPC (the proxy connects to it with --private-ip)."
  value       = google_sql_database_instance.state.private_ip_address
}

output "database_name" {
  description = "Database that holds the Iceberg JDBC catalog and the launcher's state."
  value       = google_sql_database.state.name
}

output "database_users" {
  description = "IAM database users per component (service account email without .gserviceaccount.com); grant them the database's schema once (README)."
  value       = { for k, u in google_sql_user.iam : k => u.name }
}

output "helm_values" {
  description = "YAML values for the driftgate Helm chart that wire it to this infrastructure: registry, Kafka servers and client authentication, buckets as gs:// URIs, the state database through the Cloud SQL Auth Proxy with IAM authentication, service accounts and GPU pools."
  value = yamlencode({
    image = {
      registry = "${google_artifact_registry_repository.images.location}-docker.pkg.dev/${var.project_id}/${google_artifact_registry_repository.images.repository_id}"
    }
    # Managed Kafka accepts only SASL_SSL; the login handler in the images turns the pod's
    # Workload Identity into the OAUTHBEARER token (roles/managedkafka.client in iam.tf).
    kafka = {
      bootstrapServers = local.kafka_bootstrap_servers
      properties       = local.managed_kafka ? local.managed_kafka_client_properties : {}
    }
    # gs:// URLs, reached through their APIs (Iceberg's GCSFileIO, Flink's gs filesystem; no
    # FUSE mount): the lake's Iceberg warehouse, the artifact store (models, studies, gate
    # reports) and Flink's state.
    storage = {
      lakeWarehouse = "${google_storage_bucket.lake.url}/lake"
      artifacts     = "${google_storage_bucket.registry.url}/artifacts"
      claim         = ""
      statePath     = google_storage_bucket.state.url
    }
    # The catalog and the state in one Cloud SQL database, reached through the Auth Proxy
    # sidecar on localhost; each pod logs in as its service account's IAM user (no Secret).
    database = {
      url         = "jdbc:postgresql://127.0.0.1:5432/${google_sql_database.state.name}"
      credentials = "iam"
      cloudSql = {
        instanceConnectionName = google_sql_database_instance.state.connection_name
      }
    }
    serviceAccounts = {
      ingest   = { name = var.workloads.ingest_ksa, gcpServiceAccount = google_service_account.ingest.email }
      launcher = { name = var.workloads.launcher_ksa, gcpServiceAccount = google_service_account.launcher.email }
      trainer  = { name = var.workloads.trainer_ksa, gcpServiceAccount = google_service_account.trainer.email }
    }
    # The CI identity may create retrain Jobs from the chart's CronJob (on-commit trigger).
    retrain = {
      trigger = { users = var.github == null ? [] : [google_service_account.ci[0].email] }
    }
    # Jobs may land on any of the pools, preferred in list order. A gke-accelerator node
    # selector is set only when every pool has the same accelerator (else it would pin one).
    launcher = {
      trainer = {
        gpuPools = [for p in var.gpu_pools : p.name]
        gpuType  = length(local.gpu_accelerators) == 1 ? local.gpu_accelerators[0] : ""
      }
    }
  })
}
