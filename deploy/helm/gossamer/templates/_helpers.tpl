{{- define "gossamer.name" -}}{{ .Release.Name | trunc 40 | trimSuffix "-" }}{{- end -}}
{{- define "gossamer.image" -}}{{ .Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}{{- end -}}
{{- define "gossamer.labels" -}}
app.kubernetes.io/part-of: gossamer
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
{{- end -}}
{{- define "gossamer.voters" -}}
{{- $name := include "gossamer.name" . -}}
{{- range $i := until (int .Values.voters.replicas) }}
- {{ $name }}-voter-{{ $i }}@{{ $name }}-voter-{{ $i }}.{{ $name }}-voters.{{ $.Release.Namespace }}.svc:7950
{{- end }}
{{- end -}}
{{- define "gossamer.seed" -}}{{ include "gossamer.name" . }}-voters.{{ .Release.Namespace }}.svc:7946{{- end -}}
{{- define "gossamer.nativeSidecar" -}}
{{- if eq (toString .Values.injector.nativeSidecar) "auto" -}}
{{- semverCompare ">=1.29-0" .Capabilities.KubeVersion.Version -}}
{{- else -}}
{{- .Values.injector.nativeSidecar -}}
{{- end -}}
{{- end -}}
