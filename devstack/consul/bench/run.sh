#!/usr/bin/env bash
# Runs the Consul stand-in benchmark (not a test): blocking-query wake-up, txn throughput, memory per key.
# Usage: devstack/consul/bench/run.sh [wake-rounds]   (from anywhere; builds the module's test classes first)
set -euo pipefail
module="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$module/../.." && pwd)"
cd "$root"
./mvnw -B -q -pl devstack/consul test-compile dependency:build-classpath \
  -Dmdep.outputFile="$module/target/bench.classpath" -Dmdep.includeScope=test
exec java -Xmx512m -cp "$module/target/test-classes:$module/target/classes:$(cat "$module/target/bench.classpath")" \
  dev.quayside.devstack.consul.bench.ConsulStandInBench "$@"
