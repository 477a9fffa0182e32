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

{{/* The model spec with the deployment's lake path and bootstrap servers filled in. */}}
{{- define "driftgate.spec" -}}
{{- $spec := deepCopy .Values.spec }}
{{- $_ := set $spec.lake "path" .Values.storage.lakePath }}
{{- $_ := set $spec.source.kafka "bootstrapServers" .Values.kafka.bootstrapServers }}
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
