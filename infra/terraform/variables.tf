# Inputs of the driftgate GKE module. Every variable is typed and described; object variables
# carry validation blocks so that a bad tfvars file fails at plan time, not halfway through apply.

variable "project_id" {
  description = "GCP project that hosts the cluster, buckets, registry, Kafka and service accounts."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "project_id must be a GCP project id (6-30 chars: lowercase letters, digits, hyphens)."
  }
}

variable "region" {
  description = "Region for the network, the cluster (when regional), the buckets, Artifact Registry and Managed Kafka."
  type        = string

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]$", var.region))
    error_message = "region must look like europe-west4 or us-central1."
  }
}

variable "name" {
  description = "Name prefix for every resource (cluster, network, buckets, service accounts)."
  type        = string
  default     = "driftgate"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,16}[a-z0-9]$", var.name))
    error_message = "name must be 4-18 chars of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "labels" {
  description = "Labels added to every resource that takes labels."
  type        = map(string)
  default     = {}
}

variable "network" {
  description = "VPC layout: the node subnet and the secondary ranges for Pods and Services (VPC-native cluster)."
  type = object({
    subnet_cidr   = optional(string, "10.10.0.0/20")
    pods_cidr     = optional(string, "10.20.0.0/14")
    services_cidr = optional(string, "10.30.0.0/20")
  })
  default = {}

  validation {
    condition = alltrue([
      for cidr in [var.network.subnet_cidr, var.network.pods_cidr, var.network.services_cidr] : can(cidrhost(cidr, 0))
    ])
    error_message = "network.subnet_cidr, pods_cidr and services_cidr must be valid IPv4 CIDR blocks."
  }
}

variable "cluster" {
  description = "GKE cluster settings: regional or zonal, node zones, release channel, private nodes, the control plane's range and the node ports it may reach for admission webhooks."
  type = object({
    regional               = optional(bool, true)
    zones                  = optional(list(string), [])
    release_channel        = optional(string, "REGULAR")
    private_nodes          = optional(bool, true)
    master_ipv4_cidr_block = optional(string, "172.16.0.32/28")
    master_webhook_ports   = optional(list(string), ["8443", "9443", "15017"])
    dns_endpoint           = optional(bool, true)
    deletion_protection    = optional(bool, true)
  })
  default = {}

  validation {
    condition     = contains(["RAPID", "REGULAR", "STABLE"], var.cluster.release_channel)
    error_message = "cluster.release_channel must be RAPID, REGULAR or STABLE."
  }

  validation {
    condition     = var.cluster.regional || length(var.cluster.zones) >= 1
    error_message = "A zonal cluster (cluster.regional = false) needs cluster.zones: its first entry is the cluster's zone."
  }

  validation {
    condition     = can(cidrhost(var.cluster.master_ipv4_cidr_block, 0)) && endswith(var.cluster.master_ipv4_cidr_block, "/28")
    error_message = "cluster.master_ipv4_cidr_block must be a /28 CIDR block."
  }

  validation {
    condition     = length(var.cluster.master_webhook_ports) > 0 && alltrue([for p in var.cluster.master_webhook_ports : can(regex("^[0-9]{1,5}(-[0-9]{1,5})?$", p))])
    error_message = "cluster.master_webhook_ports must be a non-empty list of ports or port ranges (\"9443\", \"8000-9000\")."
  }
}

variable "master_authorized_networks" {
  description = "CIDR blocks allowed to reach the cluster's control-plane endpoint (kubectl, Terraform, CI). Required: an empty list closes the public endpoint to every outside address; 0.0.0.0/0 is refused."
  type = list(object({
    cidr_block   = string
    display_name = string
  }))

  validation {
    condition     = alltrue([for n in var.master_authorized_networks : can(cidrhost(n.cidr_block, 0)) && n.cidr_block != "0.0.0.0/0" && length(n.display_name) > 0])
    error_message = "master_authorized_networks[*] need a valid CIDR block other than 0.0.0.0/0 and a display_name."
  }
}

variable "system_pool" {
  description = "The always-on node pool for the Flink job, the launcher and cluster add-ons (no GPUs)."
  type = object({
    machine_type = optional(string, "e2-standard-4")
    min_count    = optional(number, 1)
    max_count    = optional(number, 3)
    disk_size_gb = optional(number, 100)
    spot         = optional(bool, false)
  })
  default = {}

  validation {
    condition     = var.system_pool.min_count >= 1 && var.system_pool.max_count >= var.system_pool.min_count
    error_message = "system_pool needs min_count >= 1 and max_count >= min_count."
  }
}

variable "gpu_pools" {
  description = <<-EOT
    GPU node pools for training and tuning Jobs, preferred in list order (node affinity). List
    several accelerator types and zones so that a quota limit or a stock-out in one does not
    block training. Every pool scales from 0, is tainted nvidia.com/gpu=present:NoSchedule and
    labelled driftgate.io/pool=<name> (GKE adds cloud.google.com/gke-accelerator). zones is
    required: name zones that offer the accelerator (gcloud compute accelerator-types list).
  EOT
  type = list(object({
    name               = string
    machine_type       = string
    accelerator_type   = string
    accelerator_count  = optional(number, 1)
    zones              = list(string)
    spot               = optional(bool, true)
    max_count          = optional(number, 2)
    gpu_driver_version = optional(string, "LATEST")
    disk_size_gb       = optional(number, 200)
    labels             = optional(map(string), {})
  }))

  validation {
    condition     = length(var.gpu_pools) == length(distinct([for p in var.gpu_pools : p.name]))
    error_message = "gpu_pools names must be unique."
  }

  validation {
    condition     = length(var.gpu_pools) >= 1 && alltrue([for p in var.gpu_pools : length(p.zones) >= 1 && alltrue([for z in p.zones : can(regex("^[a-z]+-[a-z]+[0-9]-[a-z]$", z))])])
    error_message = "gpu_pools needs at least one pool, each with explicit zones (e.g. [\"us-central1-a\"]) where its accelerator is offered: an empty list would span every cluster zone and fail where the GPU is missing."
  }

  validation {
    condition     = alltrue([for p in var.gpu_pools : can(regex("^[a-z][a-z0-9-]{0,20}$", p.name))])
    error_message = "gpu_pools[*].name must be lowercase letters, digits and hyphens (at most 21 chars)."
  }

  validation {
    condition     = alltrue([for p in var.gpu_pools : startswith(p.accelerator_type, "nvidia-")])
    error_message = "gpu_pools[*].accelerator_type must be a GKE NVIDIA accelerator (nvidia-l4, nvidia-tesla-t4, nvidia-a100-80gb, nvidia-h100-80gb, ...)."
  }

  validation {
    condition     = alltrue([for p in var.gpu_pools : contains([1, 2, 4, 8, 16], p.accelerator_count) && p.max_count >= 1])
    error_message = "gpu_pools[*].accelerator_count must be 1, 2, 4, 8 or 16 and max_count at least 1 (pools always scale from 0)."
  }

  validation {
    condition     = alltrue([for p in var.gpu_pools : contains(["DEFAULT", "LATEST", "INSTALLATION_DISABLED"], p.gpu_driver_version)])
    error_message = "gpu_pools[*].gpu_driver_version must be DEFAULT, LATEST or INSTALLATION_DISABLED."
  }
}

variable "buckets" {
  description = "GCS buckets for the lake, the model registry and Flink state: location, retention and deletion behaviour."
  type = object({
    location                 = optional(string)
    lake_nearline_after_days = optional(number, 30)
    lake_delete_after_days   = optional(number, 0)
    noncurrent_versions_kept = optional(number, 5)
    noncurrent_delete_days   = optional(number, 30)
    state_delete_after_days  = optional(number, 14)
    force_destroy            = optional(bool, false)
  })
  default = {}

  validation {
    condition     = var.buckets.lake_nearline_after_days >= 1 && var.buckets.lake_delete_after_days >= 0 && var.buckets.noncurrent_versions_kept >= 1
    error_message = "buckets: lake_nearline_after_days >= 1, lake_delete_after_days >= 0 (0 keeps rows forever), noncurrent_versions_kept >= 1."
  }

  validation {
    condition     = var.buckets.noncurrent_delete_days >= 1 && var.buckets.state_delete_after_days >= 1
    error_message = "buckets: noncurrent_delete_days and state_delete_after_days must be at least 1."
  }
}

variable "artifact_registry" {
  description = "Artifact Registry Docker repository for the driftgate images, and how many tagged versions to keep."
  type = object({
    repository_id = optional(string, "driftgate")
    keep_recent   = optional(number, 20)
  })
  default = {}

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,62}$", var.artifact_registry.repository_id)) && var.artifact_registry.keep_recent >= 1
    error_message = "artifact_registry.repository_id must be lowercase letters, digits and hyphens; keep_recent >= 1."
  }
}

variable "kafka" {
  description = "Kafka: \"managed\" creates a Google Cloud Managed Service for Apache Kafka cluster and its topics; \"external\" uses bootstrap_servers you bring."
  type = object({
    mode              = optional(string, "managed")
    bootstrap_servers = optional(string, "")
    vcpu_count        = optional(number, 3)
    memory_gib        = optional(number, 12)
  })
  default = {}

  validation {
    condition     = contains(["managed", "external"], var.kafka.mode)
    error_message = "kafka.mode must be \"managed\" or \"external\"."
  }

  validation {
    condition     = var.kafka.mode == "managed" || length(trimspace(var.kafka.bootstrap_servers)) > 0
    error_message = "kafka.mode = \"external\" needs kafka.bootstrap_servers (host:port[,host:port])."
  }

  validation {
    condition     = var.kafka.vcpu_count >= 3 && var.kafka.memory_gib >= var.kafka.vcpu_count && var.kafka.memory_gib <= 8 * var.kafka.vcpu_count
    error_message = "Managed Kafka needs vcpu_count >= 3 and 1 to 8 GiB of memory per vCPU."
  }
}

variable "kafka_topics" {
  description = "Topics created on the managed Kafka cluster (ignored for external Kafka): the spec's source, dead-letter, drift-report and retrain-request topics."
  type = map(object({
    partitions   = number
    replication  = optional(number, 3)
    retention_ms = optional(number, 604800000)
  }))
  default = {
    "flights"                       = { partitions = 6 }
    "flights.deadletters"           = { partitions = 3 }
    "flights.drift-reports"         = { partitions = 1 }
    "flight-delay.retrain-requests" = { partitions = 1 }
  }

  validation {
    condition     = alltrue([for t in values(var.kafka_topics) : t.partitions >= 1 && t.replication >= 1])
    error_message = "kafka_topics[*] need partitions >= 1 and replication >= 1."
  }
}

variable "workloads" {
  description = "Kubernetes namespace and service account names of the Helm release; Workload Identity binds each to its Google service account."
  type = object({
    namespace    = optional(string, "driftgate")
    ingest_ksa   = optional(string, "driftgate-ingest")
    launcher_ksa = optional(string, "driftgate-launcher")
    trainer_ksa  = optional(string, "driftgate-trainer")
  })
  default = {}

  validation {
    condition = alltrue([
      for n in [var.workloads.namespace, var.workloads.ingest_ksa, var.workloads.launcher_ksa, var.workloads.trainer_ksa] : can(regex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$", n))
    ])
    error_message = "workloads names must be Kubernetes DNS labels."
  }
}

variable "github" {
  description = "GitHub Actions access through Workload Identity Federation (no keys): the repository (owner/name and its numeric id, which survives renames and cannot be re-registered by someone else), the branches allowed (retrain trigger) and the tag prefix release.yml runs on; null skips it."
  type = object({
    repository    = string
    repository_id = string
    branch_refs   = optional(list(string), ["refs/heads/main"])
    tag_prefix    = optional(string, "refs/tags/v")
  })
  default = null

  validation {
    condition     = var.github == null || can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github.repository))
    error_message = "github.repository must be owner/name."
  }

  validation {
    condition     = var.github == null || can(regex("^[0-9]+$", var.github.repository_id))
    error_message = "github.repository_id must be the repository's numeric id (gh api repos/OWNER/NAME --jq .id)."
  }

  validation {
    condition = var.github == null || (
      alltrue([for r in var.github.branch_refs : startswith(r, "refs/heads/") && !strcontains(r, "\"")]) &&
      startswith(var.github.tag_prefix, "refs/tags/") && !strcontains(var.github.tag_prefix, "\"")
    )
    error_message = "github.branch_refs must be refs/heads/... and github.tag_prefix refs/tags/... (no quotes)."
  }
}

variable "database" {
  description = "Cloud SQL for PostgreSQL instance of the state database (Iceberg catalog + launcher state): database name, version, tier, availability, disk, backups, point-in-time recovery, deletion protection and the private services access range."
  type = object({
    name                           = optional(string, "driftgate")
    version                        = optional(string, "POSTGRES_16")
    tier                           = optional(string, "db-custom-1-3840")
    availability_type              = optional(string, "ZONAL")
    disk_size_gb                   = optional(number, 20)
    backup_start_time              = optional(string, "03:00")
    retained_backups               = optional(number, 7)
    point_in_time_recovery_days    = optional(number, 7)
    deletion_protection            = optional(bool, true)
    private_services_prefix_length = optional(number, 20)
  })
  default = {}

  validation {
    condition     = can(regex("^POSTGRES_1[4-7]$", var.database.version))
    error_message = "database.version must be POSTGRES_14 to POSTGRES_17."
  }

  validation {
    condition     = can(regex("^db-custom-[0-9]+-[0-9]+$", var.database.tier))
    error_message = "database.tier must be a Cloud SQL Enterprise custom tier db-custom-VCPUS-MEMORY_MIB, e.g. db-custom-1-3840."
  }

  validation {
    condition     = contains(["ZONAL", "REGIONAL"], var.database.availability_type)
    error_message = "database.availability_type must be ZONAL or REGIONAL (high availability, about twice the price)."
  }

  validation {
    condition = (
      var.database.disk_size_gb >= 10 && var.database.retained_backups >= 1 &&
      var.database.point_in_time_recovery_days >= 1 && var.database.point_in_time_recovery_days <= 7 &&
      can(regex("^([01][0-9]|2[0-3]):00$", var.database.backup_start_time))
    )
    error_message = "database: disk_size_gb >= 10, retained_backups >= 1, point_in_time_recovery_days 1-7, backup_start_time HH:00 (UTC)."
  }

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database.name)) && var.database.private_services_prefix_length >= 16 && var.database.private_services_prefix_length <= 24
    error_message = "database.name must be a lowercase SQL identifier; private_services_prefix_length 16-24."
  }
}
