# Buckets: the Parquet lake, the model registry and Flink state (checkpoints, savepoints). All
# private (public access prevention enforced, uniform bucket-level access, no ACLs); lake and
# registry keep object versions so that a bad write or promotion can be rolled back.
# Artifact Registry holds the images that release.yml pushes.

locals {
  bucket_location = coalesce(var.buckets.location, var.region)
}

resource "google_storage_bucket" "lake" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name}-lake"
  location                    = local.bucket_location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.buckets.force_destroy
  labels                      = var.labels

  versioning {
    enabled = true
  }

  # Committed windows are read by training for weeks, then rarely: move them to Nearline.
  lifecycle_rule {
    condition {
      age                   = var.buckets.lake_nearline_after_days
      matches_storage_class = ["STANDARD"]
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }

  dynamic "lifecycle_rule" {
    for_each = var.buckets.lake_delete_after_days > 0 ? [var.buckets.lake_delete_after_days] : []
    content {
      condition {
        age = lifecycle_rule.value
      }
      action {
        type = "Delete"
      }
    }
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.buckets.noncurrent_delete_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }
}

resource "google_storage_bucket" "registry" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name}-models"
  location                    = local.bucket_location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.buckets.force_destroy
  labels                      = var.labels

  versioning {
    enabled = true
  }

  # Model versions are immutable objects; only overwritten pointers (the champion) leave
  # noncurrent versions. Keep the last few for roll-back, then delete.
  lifecycle_rule {
    condition {
      num_newer_versions = var.buckets.noncurrent_versions_kept
      with_state         = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }
}

resource "google_storage_bucket" "state" {
  project                     = var.project_id
  name                        = "${var.project_id}-${var.name}-flink-state"
  location                    = local.bucket_location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = var.buckets.force_destroy
  labels                      = var.labels

  # Only checkpoints expire: they are superseded within minutes and Flink deletes retired ones
  # itself, so the rule is a backstop for abandoned job ids. savepoints/ (upgrades, the operator's
  # last-state) and ha/ (the JobManager's HA metadata) must outlive any age: never matched here.
  # The prefix is the chart's state.checkpoints.dir (storage.statePath + "/checkpoints/").
  lifecycle_rule {
    condition {
      age            = var.buckets.state_delete_after_days
      matches_prefix = ["checkpoints/"]
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_artifact_registry_repository" "images" {
  project       = var.project_id
  location      = var.region
  repository_id = var.artifact_registry.repository_id
  description   = "driftgate container images (streaming, launcher, trainer), pushed by Jib."
  format        = "DOCKER"
  labels        = var.labels

  # One tag per release (VERSION for launcher and streaming, VERSION-gpu / VERSION-cpu for the
  # trainer, release.yml): a pushed tag never moves, so a chart version always runs the images
  # it was released with.
  docker_config {
    immutable_tags = true
  }

  cleanup_policy_dry_run = false

  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = var.artifact_registry.keep_recent
    }
  }

  cleanup_policies {
    id     = "delete-untagged"
    action = "DELETE"
    condition {
      tag_state  = "UNTAGGED"
      older_than = "604800s"
    }
  }
}
