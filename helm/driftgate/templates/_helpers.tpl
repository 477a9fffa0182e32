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

{{/* Image tag: image.tag or the chart's version, the release tag without its "v" that
release.yml pushes every image with (VERSION for launcher and streaming, VERSION-gpu and
VERSION-cpu for the trainer; immutable in Artifact Registry). */}}
{{- define "driftgate.tag" -}}
{{- default .Chart.Version .Values.image.tag }}
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

{{/* Where storage.claim is mounted, the same in the Flink pods, the launcher and every Job. */}}
{{- define "driftgate.dataMount" -}}/data{{- end }}

{{/* Checks the storage choice: object storage (lakeWarehouse and artifacts) or storage.claim. */}}
{{- define "driftgate.checkStorage" -}}
{{- $s := .Values.storage }}
{{- if $s.claim }}
{{- if or $s.lakeWarehouse $s.artifacts }}
{{- fail "storage: with storage.claim (a PVC) leave storage.lakeWarehouse and storage.artifacts empty" }}
{{- end }}
{{- else if not (and $s.lakeWarehouse $s.artifacts) }}
{{- fail "storage: set storage.lakeWarehouse and storage.artifacts (gs://bucket/prefix), or storage.claim (a ReadWriteMany PVC)" }}
{{- end }}
{{- end }}

{{/* The lake's Iceberg warehouse: storage.lakeWarehouse, or a folder on the claim. */}}
{{- define "driftgate.lakeWarehouse" -}}
{{- include "driftgate.checkStorage" . }}
{{- if .Values.storage.claim }}
{{- printf "%s/lake/warehouse" (include "driftgate.dataMount" .) }}
{{- else }}
{{- trimSuffix "/" .Values.storage.lakeWarehouse }}
{{- end }}
{{- end }}

{{/* The artifact store: storage.artifacts, or a folder on the claim. */}}
{{- define "driftgate.artifacts" -}}
{{- include "driftgate.checkStorage" . }}
{{- if .Values.storage.claim }}
{{- printf "%s/artifacts" (include "driftgate.dataMount" .) }}
{{- else }}
{{- trimSuffix "/" .Values.storage.artifacts }}
{{- end }}
{{- end }}

{{/* The spec's lake.path: local state only (the catalog is in the database); on the claim with one. */}}
{{- define "driftgate.lakePath" -}}
{{- if .Values.storage.claim }}
{{- printf "%s/lake" (include "driftgate.dataMount" .) }}
{{- else }}{{- printf "%s/lake" (include "driftgate.localDir" .) }}{{- end }}
{{- end }}

{{/* The images' data directory (DRIFTGATE_DATA_DIR, DJL_CACHE_DIR below it; lake.path without
storage.claim): writable through an emptyDir in every pod that runs the driftgate CLI or the
Flink job, whose root filesystem is read-only. The launcher's training Jobs mount one there too
(JobRenderer.DATA_DIR). */}}
{{- define "driftgate.localDir" -}}/var/lib/driftgate{{- end }}

{{/* The data directory as a pod volume (an emptyDir: local state only, rebuilt on restart). */}}
{{- define "driftgate.localVolume" -}}
- name: local-data
  emptyDir: {}
{{- end }}

{{/* The data directory's mount. */}}
{{- define "driftgate.localVolumeMount" -}}
- name: local-data
  mountPath: {{ include "driftgate.localDir" . }}
{{- end }}

{{/* The claim as a pod volume (nothing without storage.claim). */}}
{{- define "driftgate.dataVolume" -}}
{{- with .Values.storage.claim }}
- name: data
  persistentVolumeClaim:
    claimName: {{ . }}
{{- end }}
{{- end }}

{{/* The claim's mount (nothing without storage.claim). */}}
{{- define "driftgate.dataVolumeMount" -}}
{{- if .Values.storage.claim }}
- name: data
  mountPath: {{ include "driftgate.dataMount" . }}
{{- end }}
{{- end }}

{{/* Where database.credentials=file mounts the Secret. */}}
{{- define "driftgate.dbSecretMount" -}}/etc/driftgate/db{{- end }}

{{/* A database credential as the spec refers to it: include "driftgate.dbCredential" (list . "user"). */}}
{{- define "driftgate.dbCredential" -}}
{{- $root := index . 0 }}
{{- $which := index . 1 }}
{{- $db := $root.Values.database }}
{{- if eq $db.credentials "file" }}
{{- printf "${file:%s/%s}" (include "driftgate.dbSecretMount" $root) (ternary $db.userKey $db.passwordKey (eq $which "user")) }}
{{- else }}
{{- printf "${env:%s}" (ternary "DRIFTGATE_DB_USER" "DRIFTGATE_DB_PASSWORD" (eq $which "user")) }}
{{- end }}
{{- end }}

{{/* Environment of a container that connects to the database: credentials=env, the Secret's
keys; credentials=iam, the component's IAM database user (its Google service account's email
without .gserviceaccount.com) and an empty password (the Cloud SQL Auth Proxy sidecar logs in
with the pod's Workload Identity token). include "driftgate.dbEnv" (list . "launcher"). */}}
{{- define "driftgate.dbEnv" -}}
{{- $root := index . 0 }}
{{- $component := index . 1 }}
{{- $db := $root.Values.database }}
{{- if eq $db.credentials "env" }}
- name: DRIFTGATE_DB_USER
  valueFrom:
    secretKeyRef:
      name: {{ $db.secretName }}
      key: {{ $db.userKey }}
- name: DRIFTGATE_DB_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $db.secretName }}
      key: {{ $db.passwordKey }}
{{- else if eq $db.credentials "iam" }}
- name: DRIFTGATE_DB_USER
  value: {{ include "driftgate.dbIamUser" (list $root $component) | quote }}
- name: DRIFTGATE_DB_PASSWORD
  value: ""
{{- end }}
{{- end }}

{{/* The IAM database user of a component: include "driftgate.dbIamUser" (list . "ingest"). */}}
{{- define "driftgate.dbIamUser" -}}
{{- $root := index . 0 }}
{{- $email := (index $root.Values.serviceAccounts (index . 1)).gcpServiceAccount }}
{{- if not $email }}
{{- fail (printf "database.credentials=iam: serviceAccounts.%s.gcpServiceAccount names the IAM database user and must be set" (index . 1)) }}
{{- end }}
{{- trimSuffix ".gserviceaccount.com" $email }}
{{- end }}

{{/* The Cloud SQL Auth Proxy as a native sidecar (an init container that keeps running,
Kubernetes 1.29+) of a pod that connects to the database, with credentials=iam: it listens on
127.0.0.1 (database.url), reaches the instance's private IP and logs in with the pod's Workload
Identity (--auto-iam-authn). The app containers start once its startup probe passes. */}}
{{- define "driftgate.cloudSqlProxy" -}}
{{- $db := .Values.database }}
{{- if eq $db.credentials "iam" }}
{{- $p := $db.cloudSql }}
{{- if not $p.instanceConnectionName }}
{{- fail "database.credentials=iam needs database.cloudSql.instanceConnectionName (Terraform output database_instance)" }}
{{- end }}
- name: cloud-sql-proxy
  image: {{ $p.proxyImage }}
  restartPolicy: Always
  args:
    - --auto-iam-authn
    - --private-ip
    - --structured-logs
    - --port={{ $p.port }}
    - --health-check
    - --http-address=0.0.0.0
    - --http-port={{ $p.healthPort }}
    - {{ $p.instanceConnectionName }}
  startupProbe:
    httpGet:
      path: /startup
      port: {{ $p.healthPort }}
    periodSeconds: 2
    failureThreshold: 30
  livenessProbe:
    httpGet:
      path: /liveness
      port: {{ $p.healthPort }}
    periodSeconds: 30
  resources:
    {{- toYaml $p.resources | nindent 4 }}
  securityContext:
    runAsNonRoot: true
    allowPrivilegeEscalation: false
    readOnlyRootFilesystem: true
    capabilities:
      drop: [ALL]
{{- end }}
{{- end }}

{{/* The Secret as a pod volume (credentials=file). */}}
{{- define "driftgate.dbVolume" -}}
{{- $db := .Values.database }}
{{- if eq $db.credentials "file" }}
- name: db-credentials
  secret:
    secretName: {{ $db.secretName }}
    defaultMode: 0440
    items:
      - key: {{ $db.userKey }}
        path: {{ $db.userKey }}
      - key: {{ $db.passwordKey }}
        path: {{ $db.passwordKey }}
{{- end }}
{{- end }}

{{/* The Secret's mount (credentials=file). */}}
{{- define "driftgate.dbVolumeMount" -}}
{{- if eq .Values.database.credentials "file" }}
- name: db-credentials
  mountPath: {{ include "driftgate.dbSecretMount" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/* The name of the launchers' Lease (coordination.k8s.io/v1). */}}
{{- define "driftgate.leaseName" -}}
{{- printf "%s-launcher" (include "driftgate.fullname" .) }}
{{- end }}

{{/* The spec's launcher section: the kubernetes (or, with launcher.katib.enabled, katib) backend as the chart deploys it (see
core/.../run/LauncherConfig.java for the keys). Every Job pod mounts the spec ConfigMap at
/etc/driftgate and, with storage.claim, the claim at /data; nothing else. */}}
{{- define "driftgate.launcherSection" -}}
{{- $t := .Values.launcher.trainer }}
{{- $variant := printf "-%s" $t.variant }}
{{- $l := dict
  "backend" (ternary "katib" "kubernetes" .Values.launcher.katib.enabled)
  "namespace" .Release.Namespace
  "image" (include "driftgate.image" (list . $t.repository $variant))
  "serviceAccount" (include "driftgate.serviceAccountName" (list . "trainer"))
  "specConfigMap" (include "driftgate.specConfigMap" .)
  "gpuCount" $t.gpuCount
  "cpu" (toString $t.cpu)
  "memory" $t.memory
  "grid" $t.grid
  "params" $t.params
}}
{{- with .Values.storage.claim }}
{{- $_ := set $l "volumes" (list (dict "name" "data" "mountPath" (include "driftgate.dataMount" $) "claimName" .)) }}
{{- end }}
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

{{/* The model spec with the deployment's lake (catalog in the database, warehouse), state
(database, artifact store), Kafka servers and client properties (kafka.properties win over the
spec's) and launcher section. */}}
{{- define "driftgate.spec" -}}
{{- $spec := deepCopy .Values.spec }}
{{- $user := include "driftgate.dbCredential" (list . "user") }}
{{- $password := include "driftgate.dbCredential" (list . "password") }}
{{- $_ := set $spec.lake "path" (include "driftgate.lakePath" .) }}
{{- $_ := set $spec.lake "catalog" (dict
  "type" "jdbc"
  "uri" .Values.database.url
  "warehouse" (include "driftgate.lakeWarehouse" .)
  "properties" (dict "jdbc.user" $user "jdbc.password" $password)) }}
{{- $_ := set $spec "state" (dict
  "database" (dict "url" .Values.database.url "properties" (dict "user" $user "password" $password))
  "artifacts" (include "driftgate.artifacts" .)) }}
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
