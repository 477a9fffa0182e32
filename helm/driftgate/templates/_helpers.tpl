{{/* Chart name. */}}
{{- define "driftgate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name prefix: release-chart, or the release name when it already contains the chart name. */}}
{{- define "driftgate.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Labels on every resource. */}}
{{- define "driftgate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "driftgate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: driftgate
{{- end }}

{{/* Selector labels of one component: include "driftgate.selectorLabels" (list . "launcher"). */}}
{{- define "driftgate.selectorLabels" -}}
{{- $root := index . 0 }}
app.kubernetes.io/name: {{ include "driftgate.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{/* Image tag: image.tag or the chart's appVersion (the Maven version Jib tags with). */}}
{{- define "driftgate.tag" -}}
{{- default .Chart.AppVersion .Values.image.tag }}
{{- end }}

{{/* Full image reference: include "driftgate.image" (list . "driftgate-launcher" ""). */}}
{{- define "driftgate.image" -}}
{{- $root := index . 0 }}
{{- printf "%s/%s:%s%s" (trimSuffix "/" $root.Values.image.registry) (index . 1) (include "driftgate.tag" $root) (index . 2) }}
{{- end }}

{{/* Service account name of a component: include "driftgate.serviceAccountName" (list . "ingest"). */}}
{{- define "driftgate.serviceAccountName" -}}
{{- $root := index . 0 }}
{{- (index $root.Values.serviceAccounts (index . 1)).name }}
{{- end }}

{{/* The spec ConfigMap's name (mounted by the Flink pods and the launcher). */}}
{{- define "driftgate.specConfigMap" -}}
{{- printf "%s-spec" (include "driftgate.fullname" .) }}
{{- end }}

{{/* Mount points of the data volumes, the same in the Flink pods, the launcher and every Job. */}}
{{- define "driftgate.lakeMount" -}}/data/lake{{- end }}
{{- define "driftgate.modelsMount" -}}/data/models{{- end }}

{{/* The spec's lake.path: the lake prefix under the lake mount. */}}
{{- define "driftgate.lakePath" -}}
{{- $prefix := trimAll "/" .Values.storage.lakePrefix }}
{{- if $prefix }}
{{- printf "%s/%s" (include "driftgate.lakeMount" .) $prefix }}
{{- else }}
{{- include "driftgate.lakeMount" . }}
{{- end }}
{{- end }}

{{/* Bucket or PVC of a data volume: include "driftgate.dataSource" (list . "lake"); exactly one is set. */}}
{{- define "driftgate.dataSource" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $bucket := index $root.Values.storage (printf "%sBucket" $name) }}
{{- $claim := index $root.Values.storage (printf "%sClaim" $name) }}
{{- if and $bucket $claim }}
{{- fail (printf "storage: set %sBucket or %sClaim, not both" $name $name) }}
{{- else if $bucket }}
{{- dict "bucket" $bucket | toJson }}
{{- else if $claim }}
{{- dict "claimName" $claim | toJson }}
{{- else }}
{{- fail (printf "storage: set %sBucket (Cloud Storage FUSE) or %sClaim (a PVC)" $name $name) }}
{{- end }}
{{- end }}

{{/* True (non-empty) when any volume is a bucket: pods then need the gcsfuse sidecar annotation. */}}
{{- define "driftgate.usesGcsfuse" -}}
{{- if or .Values.storage.lakeBucket .Values.storage.modelsBucket }}true{{- end }}
{{- end }}

{{/* A pod volume for a data volume: include "driftgate.dataVolume" (list . "lake" true).
The bucket is a Cloud Storage FUSE CSI ephemeral volume (implicit-dirs: prefixes written by other
clients show as directories); with the pod's fsGroup the driver makes the mount group-writable. */}}
{{- define "driftgate.dataVolume" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $readOnly := index . 2 }}
{{- $source := include "driftgate.dataSource" (list $root $name) | fromJson }}
- name: {{ $name }}
{{- if $source.bucket }}
  csi:
    driver: gcsfuse.csi.storage.gke.io
    readOnly: {{ $readOnly }}
    volumeAttributes:
      bucketName: {{ $source.bucket }}
      mountOptions: implicit-dirs
{{- else }}
  persistentVolumeClaim:
    claimName: {{ $source.claimName }}
    readOnly: {{ $readOnly }}
{{- end }}
{{- end }}

{{/* The spec's launcher section: the kubernetes backend as the chart deploys it (see
core/.../run/LauncherConfig.java for the keys). Every Job pod mounts the spec ConfigMap at
/etc/driftgate and the volumes below. */}}
{{- define "driftgate.launcherSection" -}}
{{- $t := .Values.launcher.trainer }}
{{- $variant := printf "-%s" $t.variant }}
{{- $volumes := list }}
{{- range $v := list (list "lake" (include "driftgate.lakeMount" .) true) (list "models" (include "driftgate.modelsMount" .) false) }}
{{- $source := include "driftgate.dataSource" (list $ (index $v 0)) | fromJson }}
{{- $volume := merge (dict "name" (index $v 0) "mountPath" (index $v 1)) $source }}
{{- if index $v 2 }}
{{- $_ := set $volume "readOnly" true }}
{{- end }}
{{- $volumes = append $volumes $volume }}
{{- end }}
{{- $models := include "driftgate.modelsMount" . }}
{{- $l := dict
  "backend" "kubernetes"
  "namespace" .Release.Namespace
  "image" (include "driftgate.image" (list . $t.repository $variant))
  "serviceAccount" (include "driftgate.serviceAccountName" (list . "trainer"))
  "specConfigMap" (include "driftgate.specConfigMap" .)
  "store" (printf "%s/_work" $models)
  "registry" (printf "%s/registry" $models)
  "volumes" $volumes
  "gpuCount" $t.gpuCount
  "cpu" (toString $t.cpu)
  "memory" $t.memory
  "grid" $t.grid
  "params" $t.params
}}
{{- with $t.gpuType }}
{{- $_ := set $l "gpuType" . }}
{{- end }}
{{- with $t.gpuPools }}
{{- $_ := set $l "gpuPools" . }}
{{- end }}
{{- range $key := list "parallelism" "backoffLimitPerIndex" "maxAttempts" "initialBackoff" "maxBackoff" "tuningTimeout" "trainingTimeout" "gatingTimeout" "ttlAfterFinished" }}
{{- if hasKey $t $key }}
{{- $_ := set $l $key (index $t $key) }}
{{- end }}
{{- end }}
{{- toYaml $l }}
{{- end }}

{{/* The model spec with the deployment's lake path, Kafka servers and client properties (kafka.properties win over the spec's) and launcher section. */}}
{{- define "driftgate.spec" -}}
{{- $spec := deepCopy .Values.spec }}
{{- $_ := set $spec.lake "path" (include "driftgate.lakePath" .) }}
{{- $_ := set $spec.source.kafka "bootstrapServers" .Values.kafka.bootstrapServers }}
{{- with .Values.kafka.properties }}
{{- $_ := set $spec.source.kafka "properties" (merge (deepCopy .) ($spec.source.kafka.properties | default dict)) }}
{{- end }}
{{- $_ := set $spec "launcher" (include "driftgate.launcherSection" . | fromYaml) }}
{{- toYaml $spec }}
{{- end }}

{{/* The --add-opens flags for every Flink JVM, space separated. */}}
{{- define "driftgate.jvmOpens" -}}
{{- $flags := list }}
{{- range .Values.streaming.jvmOpens }}
{{- $flags = append $flags (printf "--add-opens=%s=ALL-UNNAMED" .) }}
{{- end }}
{{- join " " $flags }}
{{- end }}

{{/* Checksum of the spec ConfigMap: pods restart when the spec changes. */}}
{{- define "driftgate.specChecksum" -}}
{{- include (print .Template.BasePath "/launcher/configmap.yaml") . | sha256sum }}
{{- end }}

{{/* The Secret that holds the launcher endpoint's bearer token: launcher.http.auth.token.existingSecret, else the chart's own. */}}
{{- define "driftgate.launcherTokenSecret" -}}
{{- default (printf "%s-launcher-http" (include "driftgate.fullname" .)) .Values.launcher.http.auth.token.existingSecret }}
{{- end }}

{{/* Where the launcher reads its bearer token (the Secret's key, mounted as a file). */}}
{{- define "driftgate.launcherTokenDir" -}}/var/run/secrets/driftgate/launcher-http{{- end }}
