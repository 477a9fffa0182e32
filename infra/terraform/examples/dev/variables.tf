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
  description = "owner/name of the GitHub repository allowed to push images and publish retrain requests; empty skips GitHub WIF."
  type        = string
  default     = ""
}
