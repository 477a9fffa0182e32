# The state database: Cloud SQL for PostgreSQL on a private IP in the cluster's VPC (private
# services access, no public IP). One database holds the lake's Iceberg JDBC catalog and the
# launcher's state (runs, registry, promotion ledger, monitor state): the chart points both
# lake.catalog.uri and state.database.url at it. No passwords: the ingest and launcher service
# accounts are IAM database users, and their pods connect through the Cloud SQL Auth Proxy
# sidecar (--auto-iam-authn --private-ip) that the chart adds (database.credentials = iam).
# Automated backups with point-in-time recovery; deletion protection on by default.

locals {
  # IAM database users of service accounts are named after the email without the suffix.
  database_clients = {
    ingest   = google_service_account.ingest.email
    launcher = google_service_account.launcher.email
  }
  database_users = { for k, email in local.database_clients : k => trimsuffix(email, ".gserviceaccount.com") }
  database_roles = ["roles/cloudsql.client", "roles/cloudsql.instanceUser"]
  database_grants = {
    for pair in setproduct(keys(local.database_clients), local.database_roles) :
    "${pair[0]} ${pair[1]}" => { email = local.database_clients[pair[0]], role = pair[1] }
  }
}

# Private services access: a range of the VPC peered with Google's service producer network,
# where Cloud SQL places the instance's private IP.
resource "google_compute_global_address" "private_services" {
  project       = var.project_id
  name          = "${var.name}-private-services"
  purpose       = "VPC_PEERING"
  address_type  = "INTERNAL"
  prefix_length = var.database.private_services_prefix_length
  network       = google_compute_network.this.id
}

resource "google_service_networking_connection" "private_services" {
  network                 = google_compute_network.this.id
  service                 = "servicenetworking.googleapis.com"
  reserved_peering_ranges = [google_compute_global_address.private_services.name]
}

resource "google_sql_database_instance" "state" {
  project             = var.project_id
  name                = "${var.name}-state"
  region              = var.region
  database_version    = var.database.version
  deletion_protection = var.database.deletion_protection

  settings {
    tier                        = var.database.tier
    edition                     = "ENTERPRISE"
    availability_type           = var.database.availability_type
    disk_type                   = "PD_SSD"
    disk_size                   = var.database.disk_size_gb
    disk_autoresize             = true
    deletion_protection_enabled = var.database.deletion_protection
    user_labels                 = var.labels

    ip_configuration {
      ipv4_enabled    = false
      private_network = google_compute_network.this.id
      ssl_mode        = "ENCRYPTED_ONLY"
    }

    backup_configuration {
      enabled                        = true
      start_time                     = var.database.backup_start_time
      point_in_time_recovery_enabled = true
      transaction_log_retention_days = var.database.point_in_time_recovery_days

      backup_retention_settings {
        retained_backups = var.database.retained_backups
        retention_unit   = "COUNT"
      }
    }

    # IAM database authentication: service accounts log in with OAuth tokens, no passwords.
    database_flags {
      name  = "cloudsql.iam_authentication"
      value = "on"
    }

    maintenance_window {
      day  = 7
      hour = 4
    }
  }

  # The private IP needs the peering first.
  depends_on = [google_service_networking_connection.private_services]
}

resource "google_sql_database" "state" {
  project  = var.project_id
  instance = google_sql_database_instance.state.name
  name     = var.database.name
}

# The ingest (catalog commits, monitor state, retrain requests) and the launcher (runs,
# registry, catalog reads) as IAM database users. Training Jobs get no database access.
resource "google_sql_user" "iam" {
  for_each = local.database_users
  project  = var.project_id
  instance = google_sql_database_instance.state.name
  name     = each.value
  type     = "CLOUD_IAM_SERVICE_ACCOUNT"
}

# Connecting through the Auth Proxy (cloudsql.client) and logging in with IAM (instanceUser).
resource "google_project_iam_member" "database_client" {
  for_each = local.database_grants
  project  = var.project_id
  role     = each.value.role
  member   = "serviceAccount:${each.value.email}"
}
