#!/usr/bin/env bash
# Runs edge-router's benchmark (not a test): render + validate of 500 services / 2,000 instances, and catalog
# change -> route live through the Consul stand-in and a real HAProxy. Loopback only.
# Usage: edge-router/bench/run.sh [rounds]   (from anywhere; builds the module's test classes first)
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$module/.." && pwd)"
cd "$root"
./mvnw -B -q -pl edge-router test-compile dependency:build-classpath \
  -Dmdep.outputFile="$module/target/bench.classpath" -Dmdep.includeScope=test
exec java -Xmx512m -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  dev.quayside.edgerouter.bench.EdgeRouterBench "$@"
