{{/*
The chart's name, shortened to the 63 characters Kubernetes allows in a name.
*/}}
{{- define "sre-platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The release's full name; components append their own name to it.
*/}}
{{- define "sre-platform.fullname" -}}
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

{{/*
The name of one component's objects. Call with (dict "context" $ "component" "control-plane").
*/}}
{{- define "sre-platform.componentName" -}}
{{- printf "%s-%s" (include "sre-platform.fullname" .context) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "sre-platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels on every object. Call with (dict "context" $ "component" "control-plane").
*/}}
{{- define "sre-platform.labels" -}}
helm.sh/chart: {{ include "sre-platform.chart" .context }}
{{ include "sre-platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .context.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .context.Release.Service }}
app.kubernetes.io/part-of: sre-platform
{{- end }}

{{/*
The labels a component's Service, PodDisruptionBudget and ServiceMonitor select its pods by.
*/}}
{{- define "sre-platform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sre-platform.name" .context }}
app.kubernetes.io/instance: {{ .context.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "sre-platform.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "sre-platform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "sre-platform.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
An environment variable read from one of the existing Secrets named in `secrets`.
Call with (dict "name" "DATABASE_URL" "secret" .Values.secrets.database "path" "secrets.database").
Add "optional" true for a variable the service can start without: the pod then starts even when
the Secret or its key does not exist, and the variable is left unset.
*/}}
{{- define "sre-platform.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ required (printf "%s.existingSecret is required: the name of an existing Secret" .path) .secret.existingSecret }}
      key: {{ required (printf "%s.key is required" .path) .secret.key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}

{{/*
Plain environment variables, from a dict of names to values; those whose value is empty or null
are left out, so that the service applies its own default. Renders nothing when all are empty.
*/}}
{{- define "sre-platform.optionalEnv" -}}
{{- range $name, $value := . }}
{{- if and (not (kindIs "invalid" $value)) (ne (toString $value) "") }}
{{- $text := toString $value }}
{{- /* Values files hold numbers as floats, which print 1000000 as 1e+06. */}}
{{- if and (kindIs "float64" $value) (eq $value (floor $value)) }}
{{- $text = int64 $value | toString }}
{{- end }}
- name: {{ $name }}
  value: {{ $text | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Pod annotations: the component's own, plus prometheus.io/* so that a kubernetes_sd scrape job
finds /metrics. Call with (dict "context" $ "port" 8080 "extra" .Values.controlPlane.podAnnotations).
*/}}
{{- define "sre-platform.podAnnotations" -}}
{{- $annotations := dict }}
{{- if .context.Values.metrics.podAnnotations }}
{{- $_ := set $annotations "prometheus.io/scrape" "true" }}
{{- $_ := set $annotations "prometheus.io/port" (toString .port) }}
{{- $_ := set $annotations "prometheus.io/path" "/metrics" }}
{{- end }}
{{- $annotations = merge (deepCopy (default (dict) .extra)) $annotations }}
{{- if $annotations }}
{{- toYaml $annotations }}
{{- end }}
{{- end }}
