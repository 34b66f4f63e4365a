{{/*
Chart name, truncated to 63 characters (a DNS label).
*/}}
{{- define "wakeq.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name of the release's objects: fullnameOverride, else <release>-<name> (or <release> when it
already contains the name), truncated to 63 characters.
*/}}
{{- define "wakeq.fullname" -}}
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
Chart label value: name-version.
*/}}
{{- define "wakeq.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Standard labels on every object of the release.
*/}}
{{- define "wakeq.labels" -}}
helm.sh/chart: {{ include "wakeq.chart" . }}
{{ include "wakeq.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: wakeq
{{- end }}

{{/*
Labels that select the operator pods (immutable in a Deployment selector: keep them stable).
*/}}
{{- define "wakeq.selectorLabels" -}}
app.kubernetes.io/name: {{ include "wakeq.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{/*
Name of the operator's ServiceAccount.
*/}}
{{- define "wakeq.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "wakeq.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Operator image reference: repository:tag, the tag defaulting to the chart's appVersion.
*/}}
{{- define "wakeq.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
Worker image reference: the worker repository/tag, each defaulting to the operator's.
*/}}
{{- define "wakeq.workerImage" -}}
{{- $repository := default .Values.image.repository .Values.worker.image.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.worker.image.tag }}
{{- printf "%s:%s" $repository $tag }}
{{- end }}

{{/*
UDF (loadable function) image reference.
*/}}
{{- define "wakeq.udfImage" -}}
{{- printf "%s:%s" .Values.udf.image.repository .Values.udf.image.tag }}
{{- end }}

{{/*
Namespaces the operator watches, as a list: watchNamespaces if set, else the release namespace when
rbac.scope=namespace, else empty (all namespaces). Returned as JSON because include yields a string.
*/}}
{{- define "wakeq.watchNamespaceList" -}}
{{- if .Values.watchNamespaces }}
{{- toJson (uniq .Values.watchNamespaces) }}
{{- else if eq .Values.rbac.scope "namespace" }}
{{- toJson (list .Release.Namespace) }}
{{- else }}
{{- toJson (list) }}
{{- end }}
{{- end }}

{{/*
Value of QUARKUS_OPERATOR_SDK_NAMESPACES: a comma-separated list, or JOSDK_ALL_NAMESPACES.
*/}}
{{- define "wakeq.watchNamespacesEnv" -}}
{{- $namespaces := include "wakeq.watchNamespaceList" . | fromJsonArray }}
{{- if $namespaces }}
{{- join "," $namespaces }}
{{- else }}
{{- print "JOSDK_ALL_NAMESPACES" }}
{{- end }}
{{- end }}

{{/*
Name of a cluster-scoped object (ClusterRole, ClusterRoleBinding): prefixed with the release
namespace, so that the same release name installed in two namespaces does not collide.
*/}}
{{- define "wakeq.clusterScopedName" -}}
{{- printf "%s-%s" .Release.Namespace (include "wakeq.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
RBAC rules for the resources the operator reconciles in each watched namespace. Shared by the
ClusterRole (rbac.scope=cluster) and the per-namespace Roles (rbac.scope=namespace).
*/}}
{{- define "wakeq.namespacedRules" -}}
# The two custom resources: watched by the controllers, patched to add/remove the finalizer
# (cleanup of the tenant database objects) and to write status conditions.
- apiGroups: ["wakeq.dev"]
  resources: ["queuetenants", "workerpools"]
  verbs: ["get", "list", "watch", "patch", "update"]
# Status subresource: the conditions, written with server-side apply (patch).
- apiGroups: ["wakeq.dev"]
  resources: ["queuetenants/status", "workerpools/status"]
  verbs: ["get", "patch", "update"]
# Finalizers subresource: where the OwnerReferencesPermissionEnforcement admission plugin is on
# (OpenShift), owner references with blockOwnerDeletion on the owned objects require it.
- apiGroups: ["wakeq.dev"]
  resources: ["queuetenants/finalizers", "workerpools/finalizers"]
  verbs: ["update"]
# WorkerPool's scale subresource: lets the operator read/write replicas the way an HPA or
# `kubectl scale` does.
- apiGroups: ["wakeq.dev"]
  resources: ["workerpools/scale"]
  verbs: ["get", "patch", "update"]
# Secrets: reads the tenants' database credential Secrets, and owns the tenants shard Secrets of
# each WorkerPool (create, keep up to date, delete with the pool) and one relay-file Secret per relay.
# Holding get/list/watch is also what lets it grant the shards to the pool's workers (Kubernetes
# refuses to grant what one lacks).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Services: one per WorkerPool (UDP+TCP 8686, where the tenant databases send wake-ups).
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Pods: lists a WorkerPool's worker pods (by its labels) to ask each for its report on the
# metrics port (load for autoscaling, last wake-up per tenant). Read-only.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list"]
# Events: records what it did and why a condition turned False (kubectl describe).
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
# Deployments: one worker Deployment per WorkerPool, one relay Deployment per database server with
# Binlog tenants (docs/relay.md).
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# PodDisruptionBudgets: one per WorkerPool, so node drains keep workers listening.
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# ServiceAccounts: one per WorkerPool, the identity its worker pods read their tenants shards with.
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
# Roles and RoleBindings: one each per WorkerPool, granting get/list/watch on that pool's tenants
# shard Secrets only (by name) to its ServiceAccount.
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: ["roles", "rolebindings"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end }}
