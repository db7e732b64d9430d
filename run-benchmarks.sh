#!/usr/bin/env bash
# The speed benchmarks (benchmarks/README.md): builds the bundle and the benchmark module, then runs the People API
# sync benchmark on a real Keycloak with the bundle. Not part of `mvn verify`. Options pass through as -Dbench.*,
# e.g. ./run-benchmarks.sh -Dbench.users=2000 -Dbench.stackSamples=10. Needs Java 17 and Maven.
set -euo pipefail
cd "$(dirname "$0")"
mvn -q -B package -DskipTests -pl benchmarks -am
exec java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" \
  -Dbench.properties=benchmarks/target/benchmark.properties \
  -Dbench.work.dir=benchmarks/target/work \
  -Dbench.results.dir=benchmarks/target \
  "$@" com.claromentis.keycloak.benchmarks.PeopleApiSyncBenchmark
