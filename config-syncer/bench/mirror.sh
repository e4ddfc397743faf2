#!/usr/bin/env bash
# Runs config-syncer's mirror benchmark (not a test; issue #13 items 5 and 7): Quayside's git2consul mirror against
# a naive one-PUT-per-file mirror, initial syncs of 1,000 / 10,000 files and one-file changes, and the same for
# config repositories of 10 / 100 / 1,000 apps, against the Consul stand-in (a child JVM on 127.0.0.1).
# Writes bench/results/parts/mirror.json (or -Dbench.out=...). Takes a few minutes.
# Usage: config-syncer/bench/mirror.sh [-Dbench.runs=3 -Dbench.changes=30 ...]   (from anywhere)
# Needs the events and devstack/consul artifacts installed (see docs/config-syncer.md, "Running").
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
cd "$root"
./mvnw -B -q ${MVN_OFFLINE:+-o} -pl config-syncer test-compile dependency:build-classpath \
  -Dmdep.outputFile="$module/target/bench.classpath" -Dmdep.includeScope=test
exec java -Xmx1g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -Dquayside.root="$root" -Dquayside.shared.dir="${QUAYSIDE_SHARED_DIR:-$root/../shared}" "$@" \
  -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  dev.quayside.configsyncer.mirror.MirrorBench
