#!/usr/bin/env bash
# Per-test seeding of the Ory Kratos database vs running its 346 migrations (issue 16):
#   bench/seeding.sh [COPIES]      needs ORY_FIXTURES (the directory with ory-kratos-migrations)
# Uses an embedded PostgreSQL (zonky, the build's pg.version) on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${ORY_FIXTURES:?set ORY_FIXTURES to the Ory fixtures directory}"
CP_FILE=$(mktemp)
./mvnw -q -B -o -pl avnology-backup-examples -am compile org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.outputFile="$CP_FILE" -Dmdep.includeScope=runtime >/dev/null
CP="avnology-backup-core/target/classes:avnology-backup-postgres/target/classes:$(cat "$CP_FILE")"
rm -f "$CP_FILE"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
java -Djava.io.tmpdir="$TMP" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$CP" \
  bench/SeedingBench.java "$ORY_FIXTURES" "${1:-30}"
