# The GKE cluster (Standard mode: GPU pools need explicit node pools) and the system node pool.
# Workload Identity is always on: pods reach GCS, Kafka and Cloud SQL as their component's service
# account. Nodes carry the network tag local.node_tag (firewall rules in network.tf).

locals {
  # Regional: the control plane and the system pool span the region. Zonal: the first zone.
  cluster_location = var.cluster.regional ? var.region : var.cluster.zones[0]
  node_zones       = length(var.cluster.zones) > 0 ? var.cluster.zones : null
  workload_pool    = "${var.project_id}.svc.id.goog"
  node_tag         = "${var.name}-node"
}

resource "google_container_cluster" "this" {
  project             = var.project_id
  name                = var.name
  location            = local.cluster_location
  node_locations      = var.cluster.regional ? local.node_zones : null
  network             = google_compute_network.this.id
  subnetwork          = google_compute_subnetwork.nodes.id
  networking_mode     = "VPC_NATIVE"
  deletion_protection = var.cluster.deletion_protection
  resource_labels     = var.labels

  # Node pools are managed below; the default pool only exists while the cluster is created.
  remove_default_node_pool = true
  initial_node_count       = 1

  ip_allocation_policy {
    cluster_secondary_range_name  = local.pods_range_name
    services_secondary_range_name = local.services_range_name
  }

  release_channel {
    channel = var.cluster.release_channel
  }

  workload_identity_config {
    workload_pool = local.workload_pool
  }

  private_cluster_config {
    enable_private_nodes    = var.cluster.private_nodes
    enable_private_endpoint = false
    master_ipv4_cidr_block  = var.cluster.private_nodes ? var.cluster.master_ipv4_cidr_block : null
  }

  # The control plane's public endpoint answers only these networks (and the nodes): the list is
  # a required input, an empty one closes the endpoint to every outside address.
  master_authorized_networks_config {
    gcp_public_cidrs_access_enabled = false

    dynamic "cidr_blocks" {
      for_each = var.master_authorized_networks
      content {
        cidr_block   = cidr_blocks.value.cidr_block
        display_name = cidr_blocks.value.display_name
      }
    }
  }

  # The DNS-based endpoint: kubectl from outside the VPC (CI) authenticates with IAM
  # (container.clusters.connect) instead of an IP allow-list.
  control_plane_endpoints_config {
    dns_endpoint_config {
      allow_external_traffic = var.cluster.dns_endpoint
    }
  }

  addons_config {
    horizontal_pod_autoscaling {
      disabled = false
    }
    http_load_balancing {
      disabled = true
    }
    # No Cloud Storage FUSE CSI driver: the pods use the buckets through their gs:// URIs
    # (Iceberg's GCSFileIO, Flink's gs filesystem), never as mounted volumes.
  }

  # Node auto-provisioning stays off: GPU capacity comes only from the typed gpu_pools list.
  cluster_autoscaling {
    autoscaling_profile = "OPTIMIZE_UTILIZATION"
  }
}

resource "google_container_node_pool" "system" {
  project        = var.project_id
  name           = "system"
  cluster        = google_container_cluster.this.id
  location       = local.cluster_location
  node_locations = local.node_zones

  # Per zone: a regional cluster runs min_count nodes in each of its zones.
  autoscaling {
    min_node_count = var.system_pool.min_count
    max_node_count = var.system_pool.max_count
  }

  management {
    auto_repair  = true
    auto_upgrade = true
  }

  node_config {
    machine_type    = var.system_pool.machine_type
    disk_size_gb    = var.system_pool.disk_size_gb
    disk_type       = "pd-balanced"
    spot            = var.system_pool.spot
    service_account = google_service_account.nodes.email
    oauth_scopes    = ["https://www.googleapis.com/auth/cloud-platform"]
    labels          = merge(var.labels, { "driftgate.io/pool" = "system" })
    tags            = [local.node_tag]

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
