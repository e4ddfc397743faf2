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
# QUAYSIDE_NETWORK (default bridge: the definitions as written, container/bridge with port mappings; host: each app in
# host networking, its port mappings turned into portDefinitions with requirePorts on the same fixed ports, for agents
# where the services must reach Kafka, Consul or the registry on the agent's own loopback), QUAYSIDE_BIND_ADDRESS (host
# networking only: the address each service's HTTP port and edge-router's front end bind, e.g. 127.0.0.1; default the
# images' 0.0.0.0).
# `deploy.sh --render-to DIR` writes the rendered definitions to DIR/<service>.json and sends nothing (no MARATHON_URL).
# No secret travels in a definition's env.
# Every definition is sent with PUT /v2/apps/<id> (create or update); the script stops at the first refusal
# and prints Marathon's answer. Kafka topics: create them from topics.txt first (see the README).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
render_to=""
case "${1:-}" in
  --render-to) render_to="${2:?--render-to needs a folder}"; mkdir -p "$render_to" ;;
  "") ;;
  *) echo "usage: deploy.sh [--render-to DIR]" >&2; exit 1 ;;
esac
[ -n "$render_to" ] || : "${MARATHON_URL:?set MARATHON_URL}"
: "${KAFKA_BOOTSTRAP_SERVERS:?set KAFKA_BOOTSTRAP_SERVERS}" "${CONSUL_URL:?set CONSUL_URL}"
export QUAYSIDE_NETWORK="${QUAYSIDE_NETWORK:-bridge}" QUAYSIDE_BIND_ADDRESS="${QUAYSIDE_BIND_ADDRESS:-}"
case "$QUAYSIDE_NETWORK" in
  bridge|host) ;;
  *) echo "QUAYSIDE_NETWORK is bridge or host, not: $QUAYSIDE_NETWORK" >&2; exit 1 ;;
esac
if [ -n "$QUAYSIDE_BIND_ADDRESS" ] && [ "$QUAYSIDE_NETWORK" != host ]; then
  echo "QUAYSIDE_BIND_ADDRESS is for QUAYSIDE_NETWORK=host (in bridge networking a service binds in its own container)" >&2
  exit 1
fi
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

host_networking() { # the rendered definition on stdin, in host networking: one source of truth for both forms
  perl -MJSON::PP -e '
    my $json = JSON::PP->new->canonical->pretty->space_before(0)->indent_length(2);
    my $app = $json->decode(join "", <STDIN>);
    my $container = $app->{container} || {};
    my @definitions;
    for my $m (@{ delete $container->{portMappings} || [] }) {
      # the port the service listens on is its fixed container port; a fixed host port (edge-router front end) is the same
      my $port = $m->{hostPort} ? $m->{hostPort} : $m->{containerPort};
      die "$app->{id}: port mapping $m->{name}: host port $m->{hostPort} differs from container port $m->{containerPort}\n"
        if $m->{hostPort} && $m->{containerPort} && $m->{hostPort} != $m->{containerPort};
      push @definitions, { port => $port + 0, protocol => $m->{protocol} || "tcp", (defined $m->{name} ? (name => $m->{name}) : ()) };
    }
    $app->{networks} = [ { mode => "host" } ];
    $app->{portDefinitions} = \@definitions;
    $app->{requirePorts} = JSON::PP::true;
    if (length $ENV{QUAYSIDE_BIND_ADDRESS}) {
      $app->{env}{QUARKUS_HTTP_HOST} = $ENV{QUAYSIDE_BIND_ADDRESS};
      $app->{env}{QUAYSIDE_EDGE_ROUTER_FRONTEND_BIND_ADDRESS} = $ENV{QUAYSIDE_BIND_ADDRESS}
        if exists $app->{env}{QUAYSIDE_EDGE_ROUTER_FRONTEND_BIND_ADDRESS};
    }
    print $json->encode($app);'
}

for file in "$here"/marathon/*.json; do
  body=$(render "$file")
  if [ "$QUAYSIDE_NETWORK" = host ]; then
    body=$(printf '%s' "$body" | host_networking) || { echo "could not render $file for host networking" >&2; exit 1; }
  fi
  id=$(printf '%s' "$body" | sed -n 's/^  "id" *: *"\([^"]*\)".*/\1/p')
  if [ -n "$render_to" ]; then
    printf '%s\n' "$body" > "$render_to/$(basename "$file")"; echo "rendered $id"; continue
  fi
  answer=$(mktemp)
  status=$(curl -sS "${auth[@]}" -o "$answer" -w '%{http_code}' -X PUT -H 'Content-Type: application/json' \
    --data-binary "$body" "$MARATHON_URL/v2/apps$id")
  case "$status" in
    200|201) echo "applied $id ($status)" ;;
    *) echo "Marathon refused $id with HTTP $status: $(cat "$answer")" >&2; rm -f "$answer"; exit 1 ;;
  esac
  rm -f "$answer"
done
