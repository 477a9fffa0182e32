variable "project_id" {
  description = "GCP project to deploy the dev environment into."
  type        = string
}

variable "region" {
  description = "Region of the dev environment (the zonal cluster uses REGION-a, GPU pools REGION-a and REGION-b)."
  type        = string
  default     = "us-central1"
}

variable "github_repository" {
  description = "owner/name of the GitHub repository allowed to push images (v* tags) and trigger retraining (main); empty skips GitHub WIF."
  type        = string
  default     = ""
}

variable "github_repository_id" {
  description = "Numeric id of github_repository (gh api repos/OWNER/NAME --jq .id): WIF trusts only tokens of this repository."
  type        = string
  default     = ""
}

variable "admin_cidr" {
  description = "CIDR block allowed to reach the cluster's control plane (your workstation or VPN, e.g. 203.0.113.7/32)."
  type        = string

  validation {
    condition     = can(cidrhost(var.admin_cidr, 0)) && var.admin_cidr != "0.0.0.0/0"
    error_message = "admin_cidr must be a CIDR block other than 0.0.0.0/0."
  }
}
