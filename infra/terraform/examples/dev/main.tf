# A development root module: a zonal cluster with private nodes, one spot L4 pool and
# one on-demand T4 pool in two zones, managed Kafka, Cloud SQL for PostgreSQL, and buckets and a
# database that `terraform destroy` may remove. Copy terraform.tfvars.example to terraform.tfvars and set project_id.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.20, < 7.0"
    }
  }

  # Keep state in GCS for anything shared: terraform init -backend-config="bucket=..."
  # backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region
}

module "driftgate" {
  source = "../.."

  project_id = var.project_id
  region     = var.region
  name       = "driftgate-dev"
  labels     = { env = "dev", app = "driftgate" }

  cluster = {
    regional            = false
    zones               = ["${var.region}-a"]
    release_channel     = "REGULAR"
    private_nodes       = true
    deletion_protection = false
  }

  master_authorized_networks = [
    { cidr_block = var.admin_cidr, display_name = "admin" },
  ]

  system_pool = {
    machine_type = "e2-standard-4"
    min_count    = 1
    max_count    = 2
  }

  gpu_pools = [
    {
      name             = "l4-spot"
      machine_type     = "g2-standard-8"
      accelerator_type = "nvidia-l4"
      zones            = ["${var.region}-a", "${var.region}-b"]
      spot             = true
      max_count        = 2
    },
    {
      name             = "t4-ondemand"
      machine_type     = "n1-standard-8"
      accelerator_type = "nvidia-tesla-t4"
      zones            = ["${var.region}-a", "${var.region}-b"]
      spot             = false
      max_count        = 1
    },
  ]

  buckets = {
    force_destroy = true
  }

  kafka = {
    mode       = "managed"
    vcpu_count = 3
    memory_gib = 3
  }

  # Smallest Cloud SQL Enterprise tier with a dedicated core; dev may destroy it.
  database = {
    tier                = "db-custom-1-3840"
    deletion_protection = false
  }

  github = var.github_repository == "" ? null : {
    repository    = var.github_repository
    repository_id = var.github_repository_id
  }
}
