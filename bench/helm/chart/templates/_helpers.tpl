{{/* The labels idp's render puts on every object of a service (scripts/render/labels.ts);
     with .workload also app.kubernetes.io/version from the image tag or digest. */}}
{{- define "idp.labels" -}}
app.kubernetes.io/name: {{ .s.name | quote }}
app.kubernetes.io/instance: {{ .s.name | quote }}
app.kubernetes.io/component: {{ .s.type | quote }}
app.kubernetes.io/part-of: {{ .s.team | quote }}
app.kubernetes.io/managed-by: idp
idp/team: {{ .s.team | quote }}
idp/tier: {{ .s.tier | quote }}
idp/environment: {{ .env | quote }}
{{- if .workload }}
{{- $version := include "idp.version" .s.image }}
{{- if $version }}
app.kubernetes.io/version: {{ $version | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* The label keys above, which win over a dependency class's own labels. */}}
{{- define "idp.labelKeys" -}}
app.kubernetes.io/name app.kubernetes.io/instance app.kubernetes.io/component app.kubernetes.io/part-of app.kubernetes.io/managed-by idp/team idp/tier idp/environment
{{- end }}

{{/* The image tag, or the first 12 hex digits of its digest, when it fits a label value. */}}
{{- define "idp.version" -}}
{{- if contains "@sha256:" . -}}
{{- trunc 12 (index (splitList "@sha256:" .) 1) -}}
{{- else -}}
{{- $last := last (splitList "/" .) -}}
{{- if contains ":" $last -}}
{{- $tag := last (splitList ":" $last) -}}
{{- if regexMatch "^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$" $tag }}{{ $tag }}{{ end -}}
{{- end -}}
{{- end -}}
{{- end }}

{{/* metadata of an object named .name in the service's namespace. */}}
{{- define "idp.metadata" -}}
name: {{ .name | quote }}
namespace: {{ .s.namespace | quote }}
labels:
{{ include "idp.labels" . | indent 2 }}
annotations:
  idp/source: {{ .s.file | quote }}
{{- end }}

{{/* The pod selector. */}}
{{- define "idp.selector" -}}
app.kubernetes.io/name: {{ .name | quote }}
app.kubernetes.io/instance: {{ .name | quote }}
{{- end }}

{{- define "idp.resources" -}}
requests:
  cpu: {{ .cpu | quote }}
  memory: {{ .memory | quote }}
limits:
  {{- if .limits.cpu }}
  cpu: {{ .limits.cpu | quote }}
  {{- end }}
  memory: {{ .limits.memory | quote }}
{{- end }}

{{- define "idp.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
privileged: false
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop:
    - ALL
{{- end }}

{{/* A container probe; the port is already a container port number (bench/helm-values.ts). */}}
{{- define "idp.probe" -}}
failureThreshold: {{ .failureThreshold | default 3 }}
{{- if hasKey . "initialDelaySeconds" }}
initialDelaySeconds: {{ .initialDelaySeconds }}
{{- end }}
{{- if hasKey . "periodSeconds" }}
periodSeconds: {{ .periodSeconds }}
{{- end }}
{{- if hasKey . "timeoutSeconds" }}
timeoutSeconds: {{ .timeoutSeconds }}
{{- end }}
{{- if eq .kind "http" }}
httpGet:
  path: {{ .path | quote }}
  port: {{ .port }}
  scheme: HTTP
  {{- with .headers }}
  httpHeaders:
    {{- range . }}
    - name: {{ .name | quote }}
      value: {{ .value | quote }}
    {{- end }}
  {{- end }}
{{- else if eq .kind "tcp" }}
tcpSocket:
  port: {{ .port }}
{{- else if eq .kind "grpc" }}
grpc:
  port: {{ .port }}
{{- else }}
exec:
  command: {{ toJson .command }}
{{- end }}
{{- end }}

{{/* The volume mounts of every container: /tmp and the scratch volumes. */}}
{{- define "idp.scratchMounts" -}}
- name: tmp
  mountPath: /tmp
{{- range $i, $v := .volumes }}
- name: scratch-{{ $i }}
  mountPath: {{ $v.path | quote }}
{{- end }}
{{- end }}

{{/* An init container, or with .restartPolicy a native sidecar. */}}
{{- define "idp.extraContainer" -}}
- name: {{ .c.name | quote }}
  image: {{ .c.image | quote }}
  imagePullPolicy: IfNotPresent
  {{- with .c.command }}
  command: {{ toJson . }}
  {{- end }}
  {{- with .c.args }}
  args: {{ toJson . }}
  {{- end }}
  {{- with .c.env }}
  env:
    {{- range . }}
    - name: {{ .name | quote }}
      value: {{ .value | quote }}
    {{- end }}
  {{- end }}
  volumeMounts:
{{ include "idp.scratchMounts" .s | indent 4 }}
  resources:
{{ include "idp.resources" .c.resources | indent 4 }}
  securityContext:
{{ include "idp.containerSecurityContext" . | indent 4 }}
  {{- if .restartPolicy }}
  restartPolicy: Always
  {{- end }}
{{- end }}

{{/* The pod template of a Deployment or CronJob (scripts/render/service/pod-template.ts). */}}
{{- define "idp.podTemplate" -}}
{{- $s := .s -}}
metadata:
  labels:
{{ include "idp.labels" (dict "s" $s "env" .env "workload" true) | indent 4 }}
  annotations:
    idp/source: {{ $s.file | quote }}
    idp/config-hash: {{ sha256sum (toJson (list $s.config $s.secrets $s.files)) | quote }}
spec:
  restartPolicy: {{ .restartPolicy }}
  serviceAccountName: {{ $s.name | quote }}
  automountServiceAccountToken: false
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
    fsGroupChangePolicy: Always
    seccompProfile:
      type: RuntimeDefault
  {{- if or $s.initContainers $s.sidecars }}
  initContainers:
    {{- range $s.initContainers }}
{{ include "idp.extraContainer" (dict "c" . "s" $s) | indent 4 }}
    {{- end }}
    {{- range $s.sidecars }}
{{ include "idp.extraContainer" (dict "c" . "s" $s "restartPolicy" true) | indent 4 }}
    {{- end }}
  {{- end }}
  containers:
    - name: app
      image: {{ $s.image | quote }}
      imagePullPolicy: IfNotPresent
      {{- with $s.command }}
      command: {{ toJson . }}
      {{- end }}
      {{- with $s.args }}
      args: {{ toJson . }}
      {{- end }}
      {{- with $s.ports }}
      ports:
        {{- range . }}
        - name: {{ .name | quote }}
          containerPort: {{ .targetPort }}
        {{- end }}
      {{- end }}
      {{- with $s.env }}
      env:
        {{- range . }}
        - name: {{ .name | quote }}
          {{- if hasKey . "secretName" }}
          valueFrom:
            secretKeyRef:
              name: {{ .secretName | quote }}
              key: {{ .key | quote }}
          {{- else }}
          value: {{ .value | quote }}
          {{- end }}
        {{- end }}
      {{- end }}
      {{- if or $s.config $s.secrets }}
      envFrom:
        {{- if $s.config }}
        - configMapRef:
            name: {{ printf "%s-env" $s.name | quote }}
        {{- end }}
        {{- if $s.secrets }}
        - secretRef:
            name: {{ printf "%s-secrets" $s.name | quote }}
        {{- end }}
      {{- end }}
      volumeMounts:
{{ include "idp.scratchMounts" $s | indent 8 }}
        {{- range $i, $f := $s.files }}
        - name: files
          mountPath: {{ $f.path | quote }}
          subPath: file-{{ $i }}
          readOnly: true
        {{- end }}
        {{- $n := 0 }}
        {{- range $s.dependencies }}
        {{- if .volume }}
        - name: volume-{{ $n }}
          mountPath: {{ .volume.path | quote }}
        {{- $n = add1 $n }}
        {{- end }}
        {{- end }}
      resources:
{{ include "idp.resources" $s.resources | indent 8 }}
      {{- with $s.probes.readiness }}
      readinessProbe:
{{ include "idp.probe" . | indent 8 }}
      {{- end }}
      {{- with $s.probes.liveness }}
      livenessProbe:
{{ include "idp.probe" . | indent 8 }}
      {{- end }}
      securityContext:
{{ include "idp.containerSecurityContext" . | indent 8 }}
  volumes:
    - name: tmp
      emptyDir: {}
    {{- range $i, $v := $s.volumes }}
    - name: scratch-{{ $i }}
      emptyDir:
        sizeLimit: {{ $v.sizeLimit | quote }}
    {{- end }}
    {{- if $s.files }}
    - name: files
      configMap:
        name: {{ printf "%s-files" $s.name | quote }}
    {{- end }}
    {{- $n := 0 }}
    {{- range $s.dependencies }}
    {{- if .volume }}
    - name: volume-{{ $n }}
      persistentVolumeClaim:
        claimName: {{ printf "%s-%s" $s.name .name | quote }}
    {{- $n = add1 $n }}
    {{- end }}
    {{- end }}
  dnsPolicy: ClusterFirst
  hostNetwork: false
  setHostnameAsFQDN: false
  terminationGracePeriodSeconds: {{ if hasKey $s "terminationGracePeriodSeconds" }}{{ $s.terminationGracePeriodSeconds }}{{ else }}30{{ end }}
{{- end }}

{{/* A service's container ports, each once, as NetworkPolicy ports. */}}
{{- define "idp.containerPorts" -}}
{{- $seen := list }}
{{- range . }}
{{- if not (has .targetPort $seen) }}
{{- $seen = append $seen .targetPort }}
- protocol: TCP
  port: {{ .targetPort }}
{{- end }}
{{- end }}
{{- end }}
