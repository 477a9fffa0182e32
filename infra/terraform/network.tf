# VPC-native networking: one subnet for nodes with secondary ranges for Pods and Services, and
# Cloud NAT so that private nodes can pull public images (Artifact Registry goes through Private
# Google Access).

locals {
  pods_range_name     = "${var.name}-pods"
  services_range_name = "${var.name}-services"
}

resource "google_compute_network" "this" {
  project                 = var.project_id
  name                    = "${var.name}-vpc"
  auto_create_subnetworks = false
  routing_mode            = "REGIONAL"
}

resource "google_compute_subnetwork" "nodes" {
  project                  = var.project_id
  name                     = "${var.name}-nodes"
  region                   = var.region
  network                  = google_compute_network.this.id
  ip_cidr_range            = var.network.subnet_cidr
  private_ip_google_access = true

  secondary_ip_range {
    range_name    = local.pods_range_name
    ip_cidr_range = var.network.pods_cidr
  }

  secondary_ip_range {
    range_name    = local.services_range_name
    ip_cidr_range = var.network.services_cidr
  }
}

resource "google_compute_router" "nat" {
  count   = var.cluster.private_nodes ? 1 : 0
  project = var.project_id
  name    = "${var.name}-router"
  region  = var.region
  network = google_compute_network.this.id
}

resource "google_compute_router_nat" "nat" {
  count                              = var.cluster.private_nodes ? 1 : 0
  project                            = var.project_id
  name                               = "${var.name}-nat"
  region                             = var.region
  router                             = google_compute_router.nat[0].name
  nat_ip_allocate_option             = "AUTO_ONLY"
  source_subnetwork_ip_ranges_to_nat = "ALL_SUBNETWORKS_ALL_IP_RANGES"

  log_config {
    enable = true
    filter = "ERRORS_ONLY"
  }
}

# Private nodes: GKE opens only 443 and 10250 from the control plane to the nodes. Admission
# webhooks served by pods (the Flink Kubernetes Operator's on 9443, others on 8443 or 15017) need
# their own rule, as the terraform-google-kubernetes-engine module's
# add_master_webhook_firewall_rules adds; without it FlinkDeployment create/update times out.
resource "google_compute_firewall" "master_webhooks" {
  count       = var.cluster.private_nodes ? 1 : 0
  project     = var.project_id
  name        = "${var.name}-master-webhooks"
  network     = google_compute_network.this.id
  description = "Control plane to admission webhooks on the nodes (Flink Kubernetes Operator)."
  direction   = "INGRESS"
  priority    = 1000

  source_ranges = [var.cluster.master_ipv4_cidr_block]
  target_tags   = [local.node_tag]

  allow {
    protocol = "tcp"
    ports    = var.cluster.master_webhook_ports
  }
}
