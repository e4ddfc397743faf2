#!/usr/bin/env bash
# Builds quayside/devstack:<tag> (deploy/devstack/Dockerfile) FROM quayside/jre-base:17 (deploy/base/build-base.sh):
#   build-image.sh --tag TAG --classpath CP --broker-classpath CP [--base IMAGE]
#   --classpath          the devstack parts' class path (directories and jars; bin/quayside images --devstack passes
#                        devstack/kafka's, consul's, marathon's and docker's): directories are merged into classes/,
#                        jars copied into lib/
#   --broker-classpath   the broker child JVM's jars (devstack/kafka's broker.classpath), copied into broker/
# The registry binary is this host's /usr/bin/docker-registry (Debian's docker-registry; LocalRegistry runs it).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TAG="" CP="" BROKER="" BASE=quayside/jre-base:17
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) TAG="$2"; shift 2 ;;
    --classpath) CP="$2"; shift 2 ;;
    --broker-classpath) BROKER="$2"; shift 2 ;;
    --base) BASE="$2"; shift 2 ;;
    *) echo "usage: $0 --tag TAG --classpath CP --broker-classpath CP [--base IMAGE]" >&2; exit 2 ;;
  esac
done
die() { echo "build-devstack: $*" >&2; exit 1; }
[ -n "$TAG" ] && [ -n "$CP" ] && [ -n "$BROKER" ] || die "--tag, --classpath and --broker-classpath are required"
[ -x /usr/bin/docker-registry ] || die "/usr/bin/docker-registry is missing (apt-get install docker-registry)"
docker image inspect "$BASE" >/dev/null 2>&1 || die "no image $BASE (deploy/base/build-base.sh builds it)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/quayside-devstack.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK"/{lib,broker,classes,kafka-bin}
IFS=: read -r -a entries <<<"$CP"
for entry in "${entries[@]}"; do
  [ -n "$entry" ] || continue
  if [ -d "$entry" ]; then cp -r "$entry"/. "$WORK/classes/"
  elif [ -f "$entry" ]; then cp "$entry" "$WORK/lib/"
  else die "class path entry $entry is missing (build the devstack modules first)"; fi
done
IFS=: read -r -a entries <<<"$BROKER"
for entry in "${entries[@]}"; do
  [ -n "$entry" ] || continue
  [ -f "$entry" ] || die "broker jar $entry is missing"
  cp "$entry" "$WORK/broker/"
done
cp /usr/bin/docker-registry "$WORK/docker-registry"
cp "$HERE/Dockerfile" "$WORK/Dockerfile"
cat > "$WORK/run" <<'RUN'
#!/bin/sh
# /opt/devstack/run <main class> [options]: one devstack part in the foreground (the JVM is pid 1)
exec java -Djava.util.logging.manager=java.util.logging.LogManager -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx${DEVSTACK_XMX:-256m} \
  "-Dquayside.kafka.broker-classpath=/opt/devstack/broker/*" \
  -cp "/opt/devstack/classes:/opt/devstack/lib/*" "$@"
RUN
# kafka-topics.sh and kafka-broker-api-versions.sh as the compose file calls them (deploy/create-topics.sh, the kafka
# health check), backed by dev.quayside.devstack.kafka.KafkaToolsMain (the subset those two use)
for tool in topics:kafka-topics.sh api-versions:kafka-broker-api-versions.sh; do
  printf '#!/bin/sh\nDEVSTACK_XMX=64m exec sh /opt/devstack/run dev.quayside.devstack.kafka.KafkaToolsMain %s "$@"\n' \
    "${tool%%:*}" > "$WORK/kafka-bin/${tool#*:}"
  chmod 755 "$WORK/kafka-bin/${tool#*:}"
done
docker build -q --build-arg BASE="$BASE" -t "$TAG" "$WORK" >/dev/null
echo "build-devstack: $TAG"
