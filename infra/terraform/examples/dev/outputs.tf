output "get_credentials_command" {
  description = "gcloud command that writes a kubeconfig entry for the dev cluster."
  value       = module.driftgate.get_credentials_command
}

output "helm_values" {
  description = "Values for `helm upgrade --install driftgate helm/driftgate -f -`."
  value       = module.driftgate.helm_values
}

output "image_repository" {
  description = "Artifact Registry prefix for release.yml (IMAGE_REPOSITORY)."
  value       = module.driftgate.image_repository
}

output "cluster_name" {
  description = "Cluster name, for the GKE_CLUSTER repository secret of retrain.yml."
  value       = module.driftgate.cluster_name
}

output "cluster_location" {
  description = "Cluster location, for the GKE_LOCATION repository secret of retrain.yml."
  value       = module.driftgate.cluster_location
}

output "database_users" {
  description = "IAM database users of the ingest and launcher, to grant the schema once (README)."
  value       = module.driftgate.database_users
}

output "kafka_bootstrap_servers" {
  description = "Kafka bootstrap servers (clients in the VPC; the retrain triggers run in the cluster)."
  value       = module.driftgate.kafka_bootstrap_servers
}

output "github_workload_identity_provider" {
  description = "WIF provider for the GCP_WORKLOAD_IDENTITY_PROVIDER repository variable."
  value       = module.driftgate.github_workload_identity_provider
}

output "ci_service_account" {
  description = "Service account for the GCP_SERVICE_ACCOUNT repository variable."
  value       = module.driftgate.ci_service_account
}
