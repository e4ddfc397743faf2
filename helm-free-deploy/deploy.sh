#!/usr/bin/env bash
# Deploys Quayside onto Marathon without Helm: one Marathon app per service under the group /quayside.
#   MARATHON_URL=http://marathon:8080 KAFKA_BOOTSTRAP_SERVERS=kafka:9092 CONSUL_URL=http://consul:8500 \
#   QUAYSIDE_VERSION=0.1.0 helm-free-deploy/deploy.sh
# Optional: CHRONOS_URL, QUAYSIDE_IMAGE_PREFIX (e.g. registry.example.org/), QUAYSIDE_REGISTRY_ADDRESS,
# QUAYSIDE_AGENT_COUNT (registrator instances, one per agent; default 1), MARATHON_AUTH (user:password),
# QUAYSIDE_GIT_WATCHER_URL (where the board reaches git-watcher for "sync now", e.g. through your HAProxy),
# QUAYSIDE_CONFIG_SYNCER_URL (where the board reaches config-syncer for the promotions waiting at a gate),
# QUAYSIDE_CONFIG_DIR (default /etc/quayside/config: <service>.properties on every agent, mounted as the service's
# config/application.properties; start from deploy/config/), QUAYSIDE_SECRETS_DIR (default /etc/quayside/secrets:
# the secret files those name — operator token, webhook secret, the Consul tokens made from consul-acl/*.hcl —
# mounted read-only as /run/secrets/quayside; see deploy/secrets/README.md), QUAYSIDE_DOCKER_GID (default 999: the
# group of /var/run/docker.sock on the agents, which image-builder and registrator — uid 10001 — join to reach Docker).
# No secret travels in a definition's env.
# Every definition is sent with PUT /v2/apps/<id> (create or update); the script stops at the first refusal
# and prints Marathon's answer. Kafka topics: create them from topics.txt first (see the README).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${MARATHON_URL:?set MARATHON_URL}" "${KAFKA_BOOTSTRAP_SERVERS:?set KAFKA_BOOTSTRAP_SERVERS}" "${CONSUL_URL:?set CONSUL_URL}"
export QUAYSIDE_VERSION="${QUAYSIDE_VERSION:-latest}" QUAYSIDE_IMAGE_PREFIX="${QUAYSIDE_IMAGE_PREFIX:-}" \
  QUAYSIDE_AGENT_COUNT="${QUAYSIDE_AGENT_COUNT:-1}" CHRONOS_URL="${CHRONOS_URL:-}" \
  QUAYSIDE_REGISTRY_ADDRESS="${QUAYSIDE_REGISTRY_ADDRESS:-127.0.0.1:5000}" \
  QUAYSIDE_CONFIG_DIR="${QUAYSIDE_CONFIG_DIR:-/etc/quayside/config}" QUAYSIDE_SECRETS_DIR="${QUAYSIDE_SECRETS_DIR:-/etc/quayside/secrets}" \
  QUAYSIDE_DOCKER_GID="${QUAYSIDE_DOCKER_GID:-999}"
for dir in "$QUAYSIDE_CONFIG_DIR" "$QUAYSIDE_SECRETS_DIR"; do
  case "$dir" in /*) ;; *) echo "QUAYSIDE_CONFIG_DIR and QUAYSIDE_SECRETS_DIR are paths on the agents and must be absolute: $dir" >&2; exit 1 ;; esac
done
auth=(); [ -n "${MARATHON_AUTH:-}" ] && auth=(-u "$MARATHON_AUTH")

render() { # substitute ${QUAYSIDE_*}, ${KAFKA_*}, ${CONSUL_*}, ${MARATHON_*}, ${CHRONOS_*} (unset: empty); others such as
           # ${HOST} stay for the service's own configuration to resolve at run time (Marathon sets HOST)
  perl -pe 's/\$\{((?:QUAYSIDE|KAFKA|CONSUL|MARATHON|CHRONOS)_[A-Z0-9_]*)\}/defined $ENV{$1} ? $ENV{$1} : ""/ge' "$1"
}

for file in "$here"/marathon/*.json; do
  body=$(render "$file")
  id=$(printf '%s' "$body" | sed -n 's/^  "id": "\([^"]*\)".*/\1/p')
  answer=$(mktemp)
  status=$(curl -sS "${auth[@]}" -o "$answer" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    --data-binary "$body" "$MARATHON_URL/v2/apps$id")
  case "$status" in
    200|201) echo "applied $id ($status)" ;;
    *) echo "Marathon refused $id with HTTP $status: $(cat "$answer")" >&2; rm -f "$answer"; exit 1 ;;
  esac
  rm -f "$answer"
done
