#!/usr/bin/env bash
# pki.sh DIR: a throwaway CA, the API server's serving certificate, the service-account key pair, static
# tokens (one per component) and a kubeconfig per component, all under DIR. Valid 2 days: one test run.
set -euo pipefail
P=$1 NODE_IP=$2 API_SERVICE_IP=$3
mkdir -p "$P" && cd "$P"
umask 077
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=wakeq-testbed-ca 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver 2>/dev/null
# 127.0.0.1: host-side clients come through a proxy on the host's loopback.
printf 'subjectAltName=IP:%s,IP:127.0.0.1,IP:%s,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,DNS:localhost\nextendedKeyUsage=serverAuth\n' \
  "$API_SERVICE_IP" "$NODE_IP" >san.ext
openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 2 \
  -extfile san.ext 2>/dev/null
openssl genrsa -out sa.key 2048 2>/dev/null
openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
token() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
# token,user,uid,"groups"; the node's user in system:nodes so the Node authorizer knows it.
declare -A tokens=([admin]=$(token) [kcm]=$(token) [scheduler]=$(token) [proxy]=$(token) [kubelet]=$(token))
{
  echo "${tokens[admin]},admin,1,\"system:masters\""
  echo "${tokens[kcm]},system:kube-controller-manager,2,\"system:masters\""
  echo "${tokens[scheduler]},system:kube-scheduler,3,\"system:masters\""
  echo "${tokens[proxy]},system:kube-proxy,4,\"system:masters\""
  echo "${tokens[kubelet]},system:node:wakeq-node,5,\"system:nodes\""
} >tokens.csv
for name in "${!tokens[@]}"; do
  cat >"$name.kubeconfig" <<K
apiVersion: v1
kind: Config
clusters:
- name: wakeq-testbed
  cluster: {server: "https://127.0.0.1:6443", certificate-authority: $P/ca.crt}
users:
- name: $name
  user: {token: ${tokens[$name]}}
contexts:
- name: wakeq-testbed
  context: {cluster: wakeq-testbed, user: $name}
current-context: wakeq-testbed
K
done
