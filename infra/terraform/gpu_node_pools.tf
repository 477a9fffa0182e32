# One autoscaled GPU node pool per entry of var.gpu_pools. Each scales from 0 (no idle GPU cost),
# installs the NVIDIA driver through GKE, and is tainted so that only Pods tolerating
# nvidia.com/gpu (the training Jobs) land there. Jobs carry a required node affinity on the
# driftgate.io/pool labels of all pools and a preferred one in list order: when a pool cannot
# scale up (quota, stock-out), the cluster autoscaler scales up the next one.

locals {
  gpu_pools = { for p in var.gpu_pools : p.name => p }
}

resource "google_container_node_pool" "gpu" {
  for_each = local.gpu_pools

  project  = var.project_id
  name     = "gpu-${each.key}"
  cluster  = google_container_cluster.this.id
  location = local.cluster_location
  # Always the pool's own zones (required): the accelerator is not offered in every zone.
  node_locations = each.value.zones

  autoscaling {
    min_node_count  = 0
    max_node_count  = each.value.max_count
    location_policy = "ANY"
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = each.value.machine_type
    disk_size_gb    = each.value.disk_size_gb
    disk_type       = "pd-balanced"
    spot            = each.value.spot
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    tags            = [local.node_tag]

    labels = merge(var.labels, each.value.labels, {
      "driftgate.io/pool" = each.key
      "driftgate.io/gpu"  = "true"
    })

    guest_accelerator {
      type  = each.value.accelerator_type
      count = each.value.accelerator_count

      gpu_driver_installation_config {
        gpu_driver_version = each.value.gpu_driver_version
      }
    }

    taint {
      key    = "nvidia.com/gpu"
      value  = "present"
      effect = "NO_SCHEDULE"
    }

    workload_metadata_config {
      mode = "GKE_METADATA"
    }

    shielded_instance_config {
      enable_secure_boot          = true
      enable_integrity_monitoring = true
    }
  }

  # Nodes start only after their service account may write logs and metrics and pull images.
  depends_on = [google_project_iam_member.nodes, google_artifact_registry_repository_iam_member.nodes_pull]
}
