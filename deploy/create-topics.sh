#!/bin/sh
# Creates the Kafka topics listed in a topics file (helm-free-deploy/topics.txt: "topic partitions [k=v,k=v]"),
# each with --if-not-exists, so a second run changes nothing. Exits non-zero at the first bad line (before creating
# anything) or at the first topic kafka-topics.sh fails to create.
#   create-topics.sh <bootstrap servers> <topics file>
# KAFKA_TOPICS: the kafka-topics.sh to run (default: the apache/kafka image's /opt/kafka/bin/kafka-topics.sh).
# REPLICATION_FACTOR: passed as --replication-factor when set (else the broker's default.replication.factor).
set -eu
bootstrap=${1:?usage: create-topics.sh <bootstrap servers> <topics file>}
file=${2:?usage: create-topics.sh <bootstrap servers> <topics file>}
topics=${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}
lines=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$file" || true)
[ -n "$lines" ] || { echo "create-topics.sh: no topics in $file" >&2; exit 2; }
# check every line first: a bad line creates nothing
echo "$lines" | while read -r topic partitions configs rest; do
  case $partitions in ''|*[!0-9]*) echo "create-topics.sh: bad line in $file (partitions '$partitions'): $topic $partitions" >&2; exit 2;; esac
  [ -z "$rest" ] || { echo "create-topics.sh: bad line in $file (extra field '$rest'): $topic" >&2; exit 2; }
done
echo "$lines" | while read -r topic partitions configs; do
  set -- --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" --partitions "$partitions"
  [ -z "${REPLICATION_FACTOR:-}" ] || set -- "$@" --replication-factor "$REPLICATION_FACTOR"
  if [ -n "$configs" ]; then
    old_ifs=$IFS; IFS=,
    for config in $configs; do set -- "$@" --config "$config"; done
    IFS=$old_ifs
  fi
  echo "topic $topic: $partitions partitions${configs:+, $configs}"
  "$topics" "$@"
done
echo "create-topics.sh: every topic of $file exists"
