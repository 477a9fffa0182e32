# One Google service account per component, each bound to its Kubernetes service account through
# Workload Identity (no keys anywhere) and granted only what it needs:
#   ingest   - read/write the lake (Iceberg warehouse, gs:// through GCSFileIO) and Flink state;
#              Kafka client; IAM user of the state database (cloudsql.tf)
#   trainer  - read the lake; read/write the artifact store in the models bucket (studies, trial
#              results, models); no database access
#   launcher - read/write the artifact store; Kafka client (retrain requests); IAM user of the
#              state database. Creating Jobs is Kubernetes RBAC (Helm chart: a Role limited to
#              jobs, pods, pods/log), no GCP role.
# Writers need roles/storage.objectUser (create + delete: Iceberg and the artifact store replace
# and delete objects), not objectCreator. The models bucket is versioned: overwritten or deleted
# objects stay recoverable.
#   nodes    - the node VM identity: logs, metrics, pulling images
# Optional: GitHub Actions through Workload Identity Federation (push images, trigger retraining).

locals {
  wi_member = {
    ingest   = "serviceAccount:${local.workload_pool}[${var.workloads.namespace}/${var.workloads.ingest_ksa}]"
    launcher = "serviceAccount:${local.workload_pool}[${var.workloads.namespace}/${var.workloads.launcher_ksa}]"
    trainer  = "serviceAccount:${local.workload_pool}[${var.workloads.namespace}/${var.workloads.trainer_ksa}]"
  }
  kafka_clients = var.kafka.mode == "managed" ? {
    ingest   = google_service_account.ingest.email
    launcher = google_service_account.launcher.email
  } : {}
  # Tokens of the pinned repository (numeric id: a renamed or re-created repository of the same
  # name does not match) on the allowed branches (retrain trigger) or release tags (release.yml).
  github_refs = var.github == null ? [] : concat(
    [for r in var.github.branch_refs : "assertion.ref == \"${r}\""],
    ["assertion.ref.startsWith(\"${var.github.tag_prefix}\")"],
  )
  github_condition = var.github == null ? "" : join(" && ", [
    "assertion.repository_id == \"${var.github.repository_id}\"",
    "assertion.repository == \"${var.github.repository}\"",
    format("(%s)", join(" || ", local.github_refs)),
  ])
  node_roles = [
    "roles/logging.logWriter",
    "roles/monitoring.metricWriter",
    "roles/monitoring.viewer",
    "roles/stackdriver.resourceMetadata.writer",
  ]
}

resource "google_service_account" "ingest" {
  project      = var.project_id
  account_id   = "${var.name}-ingest"
  display_name = "driftgate ingest (Beam on Flink)"
}

resource "google_service_account" "launcher" {
  project      = var.project_id
  account_id   = "${var.name}-launcher"
  display_name = "driftgate launcher"
}

resource "google_service_account" "trainer" {
  project      = var.project_id
  account_id   = "${var.name}-trainer"
  display_name = "driftgate trainer/tuner Jobs"
}

resource "google_service_account" "nodes" {
  project      = var.project_id
  account_id   = "${var.name}-nodes"
  display_name = "driftgate GKE nodes"
}

# Workload Identity: KSA -> GSA.
resource "google_service_account_iam_member" "ingest_wi" {
  service_account_id = google_service_account.ingest.name
  role               = "roles/iam.workloadIdentityUser"
  member             = local.wi_member.ingest
}

resource "google_service_account_iam_member" "launcher_wi" {
  service_account_id = google_service_account.launcher.name
  role               = "roles/iam.workloadIdentityUser"
  member             = local.wi_member.launcher
}

resource "google_service_account_iam_member" "trainer_wi" {
  service_account_id = google_service_account.trainer.name
  role               = "roles/iam.workloadIdentityUser"
  member             = local.wi_member.trainer
}

# Buckets.
resource "google_storage_bucket_iam_member" "ingest_lake" {
  bucket = google_storage_bucket.lake.name
  role   = "roles/storage.objectUser"
  member = google_service_account.ingest.member
}

resource "google_storage_bucket_iam_member" "ingest_state" {
  bucket = google_storage_bucket.state.name
  role   = "roles/storage.objectUser"
  member = google_service_account.ingest.member
}

resource "google_storage_bucket_iam_member" "trainer_lake" {
  bucket = google_storage_bucket.lake.name
  role   = "roles/storage.objectViewer"
  member = google_service_account.trainer.member
}

resource "google_storage_bucket_iam_member" "trainer_registry" {
  bucket = google_storage_bucket.registry.name
  role   = "roles/storage.objectUser"
  member = google_service_account.trainer.member
}

# The launcher pins runs to lake snapshots and tags promoted ones: Iceberg metadata writes.
resource "google_storage_bucket_iam_member" "launcher_lake" {
  bucket = google_storage_bucket.lake.name
  role   = "roles/storage.objectUser"
  member = google_service_account.launcher.member
}

resource "google_storage_bucket_iam_member" "launcher_registry" {
  bucket = google_storage_bucket.registry.name
  role   = "roles/storage.objectUser"
  member = google_service_account.launcher.member
}

# Managed Kafka: IAM-authenticated clients (SASL OAUTHBEARER / PLAIN with the SA's token).
resource "google_project_iam_member" "kafka_client" {
  for_each = local.kafka_clients
  project  = var.project_id
  role     = "roles/managedkafka.client"
  member   = "serviceAccount:${each.value}"
}

# Nodes: logs, metrics, image pulls from our repository only.
resource "google_project_iam_member" "nodes" {
  for_each = toset(local.node_roles)
  project  = var.project_id
  role     = each.value
  member   = google_service_account.nodes.member
}

resource "google_artifact_registry_repository_iam_member" "nodes_pull" {
  project    = var.project_id
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.reader"
  member     = google_service_account.nodes.member
}

# GitHub Actions (release.yml pushes images on v* tags, retrain.yml creates a retrain Job from the
# chart's CronJob on pushes to main).
resource "google_iam_workload_identity_pool" "github" {
  count                     = var.github == null ? 0 : 1
  project                   = var.project_id
  workload_identity_pool_id = "${var.name}-github"
  display_name              = "GitHub Actions"
}

resource "google_iam_workload_identity_pool_provider" "github" {
  count                              = var.github == null ? 0 : 1
  project                            = var.project_id
  workload_identity_pool_id          = google_iam_workload_identity_pool.github[0].workload_identity_pool_id
  workload_identity_pool_provider_id = "github-oidc"
  display_name                       = "GitHub OIDC"
  attribute_condition                = local.github_condition

  attribute_mapping = {
    "google.subject"          = "assertion.sub"
    "attribute.repository"    = "assertion.repository"
    "attribute.repository_id" = "assertion.repository_id"
    "attribute.ref"           = "assertion.ref"
  }

  oidc {
    issuer_uri = "https://token.actions.githubusercontent.com"
  }
}

resource "google_service_account" "ci" {
  count        = var.github == null ? 0 : 1
  project      = var.project_id
  account_id   = "${var.name}-ci"
  display_name = "driftgate GitHub Actions"
}

resource "google_service_account_iam_member" "ci_wif" {
  count              = var.github == null ? 0 : 1
  service_account_id = google_service_account.ci[0].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "principalSet://iam.googleapis.com/${google_iam_workload_identity_pool.github[0].name}/attribute.repository_id/${var.github.repository_id}"
}

resource "google_artifact_registry_repository_iam_member" "ci_push" {
  count      = var.github == null ? 0 : 1
  project    = var.project_id
  location   = google_artifact_registry_repository.images.location
  repository = google_artifact_registry_repository.images.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.ci[0].member
}

# The on-commit trigger (retrain.yml): cluster credentials through the DNS-based control-plane
# endpoint (IAM-authorized, reachable from GitHub-hosted runners without opening
# master_authorized_networks); inside the cluster the chart's Role lets this identity only read
# the retrain CronJob and create Jobs from it (helm_values retrain.trigger.users).
resource "google_project_iam_member" "ci_cluster" {
  count   = var.github == null ? 0 : 1
  project = var.project_id
  role    = "roles/container.clusterViewer"
  member  = google_service_account.ci[0].member
}
