# Provider and Terraform versions. google_managed_kafka_cluster/topic are GA in the google
# provider since 6.x; the module itself configures no provider (the root module does).
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.20, < 7.0"
    }
  }
}
