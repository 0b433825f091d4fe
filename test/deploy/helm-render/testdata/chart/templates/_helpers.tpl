{{- define "probe.labels" -}}
chart: {{ .Chart.Name }}-{{ .Chart.Version }}
app: {{ .Chart.AppVersion | quote }}
{{- end -}}
Text outside a define in a _ file is never printed.
